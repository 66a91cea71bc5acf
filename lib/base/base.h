/*
 * base.h: the base module, for the modules above it: memory, errors,
 * buffers, the data tree, dates, hashing and threads.
 */
#ifndef KP_BASE_H
#define KP_BASE_H

#include "kiplan.h"

#endif
