/*
 * check.h: the check module, for the modules above it: JSON Schema, the
 * guideline's rules, CPR numbers, findings and validation.
 */
#ifndef KP_CHECK_H
#define KP_CHECK_H

#include "kiplan.h"
#include "load/load.h"

#endif
