#!/bin/sh
# embed.sh NAME FILE: print a C file that defines the bytes of FILE as
# const char *const NAME (NUL-terminated) and const size_t NAME_len.
set -eu
name=$1
file=$2
printf '/* generated from %s by schema/embed.sh; do not edit */\n' "$file"
printf '#include <stddef.h>\n'
printf 'extern const char *const %s;\nextern const size_t %s_len;\n' "$name" "$name"
printf 'static const unsigned char bytes[] = {\n'
od -An -v -tx1 "$file" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
printf '0x00 };\n'
printf 'const char *const %s = (const char *)bytes;\n' "$name"
printf 'const size_t %s_len = sizeof(bytes) - 1;\n' "$name"
