/*
 * render.h: the render module, for the modules above it.
 */
#ifndef KP_RENDER_H
#define KP_RENDER_H

#include "kiplan.h"

#endif
