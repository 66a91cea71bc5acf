/*
 * banned.h: functions that lib/ and cmd/ must not use, after git's
 * banned.h.  Each is either unbounded (strcpy, sprintf), not reentrant
 * (strtok, gmtime, localtime), or racy (mktemp).  Included last by every
 * .c file of the project, so that a use is a compile error.
 */
#ifndef KP_BANNED_H
#define KP_BANNED_H

#define KP_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) KP_BANNED(strcpy)
#undef strcat
#define strcat(x, y) KP_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) KP_BANNED(strncpy)
#undef sprintf
#define sprintf(...) KP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) KP_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) KP_BANNED(strtok)
#undef gmtime
#define gmtime(t) KP_BANNED(gmtime)
#undef localtime
#define localtime(t) KP_BANNED(localtime)
#undef ctime
#define ctime(t) KP_BANNED(ctime)
#undef asctime
#define asctime(t) KP_BANNED(asctime)
#undef mktemp
#define mktemp(x) KP_BANNED(mktemp)

#endif
