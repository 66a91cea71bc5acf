/*
 * repo.h: the repo module, for the modules above it.
 */
#ifndef KP_REPO_H
#define KP_REPO_H

#include "kiplan.h"

#endif
