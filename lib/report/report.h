/*
 * report.h: the report module, for the modules above it.
 */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include "kiplan.h"

#endif
