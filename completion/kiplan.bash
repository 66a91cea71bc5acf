# bash completion for kiplan(1).
#
# Nothing about kiplan's commands is written down here: the commands come
# from `kiplan help`, the options of a command from `kiplan CMD --help`
# (the usage lines up to the first blank line, and the lines that start
# with two spaces and a dash; every command has --help), and an option's
# values from its argument in the usage: `[--format text|json]` offers
# text and json, FILE files, DIR directories.  So a new command or option
# completes as soon as kiplan knows it.  The usage's operands say what
# else to offer: PLAN the plan ids of the plan repository (its ki-*.md
# files, without .md, found from -C DIR, $KIPLAN_DIR or the current
# directory upwards, as kiplan finds it), PLAN[@REV] after an @ the
# revision numbers that `kiplan log` lists, PATH files and directories,
# DIR directories; and `kiplan help` the commands.
#
# Run as a program, `bash kiplan.bash --candidates CWORD WORD...` prints
# the candidates for WORD number CWORD (0 is kiplan), one a line, with
# "@files" or "@dirs" where the shell should complete names itself; the
# zsh completion (_kiplan) uses it.

# _kiplan_help KIPLAN [ARG...]: KIPLAN's help, in English whatever the
# locale, so that the words looked for are the same.
_kiplan_help()
{
	LC_ALL=C LANGUAGE='' "$@" 2>/dev/null
}

# _kiplan_usage TEXT: the usage block of a help text (up to the first
# blank line) on one line.
_kiplan_usage()
{
	local line usage=
	while IFS= read -r line; do
		[[ -z $line ]] && break
		usage+=" $line"
	done <<<"$1"
	printf '%s\n' "$usage"
}

# _kiplan_is_arg WORD: WORD names an option's argument: FILE, KEY=VALUE,
# FILE|-, or values to choose from, text|json.
_kiplan_is_arg()
{
	[[ $1 =~ ^[A-Z][A-Z0-9._=|-]*$ || $1 =~ ^[a-z0-9-]+(\|[a-z0-9-]+)+$ ]]
}

# _kiplan_parse TEXT: from a command's help, fill _kiplan_opts (every
# option) and _kiplan_arg (option -> its argument, for those that take
# one) in the caller's scope, and set _kiplan_operands to the usage's
# words that are neither options nor their arguments.
_kiplan_parse()
{
	local text=$1 usage line names arg w i n
	local -a t
	usage=$(_kiplan_usage "$text")
	read -r -a t <<<"$usage"
	n=${#t[@]}
	_kiplan_operands=
	for ((i = 0; i < n; i++)); do
		w=${t[i]}
		case $w in
		usage: | kiplan) continue ;;
		esac
		if [[ $w =~ ^\[?(--?[A-Za-z][A-Za-z0-9-]*)(\]?) ]]; then
			_kiplan_opts+=("${BASH_REMATCH[1]}")
			# An option in brackets takes the next word as its
			# argument unless the bracket closes on it: [--strict].
			names=${BASH_REMATCH[1]}
			arg=
			((i + 1 < n)) && arg=${t[i + 1]%%]*}
			if [[ -z ${BASH_REMATCH[2]} && $w != *']'* ]] &&
				_kiplan_is_arg "$arg"; then
				_kiplan_arg[$names]=$arg
				((i++))
			fi
			continue
		fi
		[[ $i -le 2 && $w != *[A-Z]* ]] && continue # the command's name
		_kiplan_operands+=" $w"
	done
	# Option lines: "  -o, --output FILE    text"; aliases share the
	# argument, and the usage's argument wins (it lists the values).
	while IFS= read -r line; do
		[[ $line == '  -'* ]] || continue
		line=${line#  }
		line=${line%%  *}
		names=
		arg=
		for w in $line; do
			w=${w%,}
			if [[ $w =~ ^(-[A-Za-z]|--[A-Za-z][A-Za-z0-9-]*)$ ]]; then
				names+=" $w"
			elif [[ -z $arg ]] && _kiplan_is_arg "$w"; then
				arg=$w
			fi
		done
		for w in $names; do
			_kiplan_opts+=("$w")
		done
		[[ -n $arg ]] || continue
		for w in $names; do
			if [[ -n ${_kiplan_arg[$w]-} ]]; then
				arg=${_kiplan_arg[$w]}
				break
			fi
		done
		for w in $names; do
			_kiplan_arg[$w]=$arg
		done
	done <<<"$text"
}

# _kiplan_repo DIR: the plan repository's working directory for kiplan
# run in DIR, as kiplan finds it: $KIPLAN_DIR (relative to DIR) when set,
# else DIR, or the nearest parent with .git; it must hold .kiplan.
_kiplan_repo()
{
	local d=$1
	if [[ -n ${KIPLAN_DIR-} ]]; then
		case $KIPLAN_DIR in
		/*) d=$KIPLAN_DIR ;;
		*) d=$d/$KIPLAN_DIR ;;
		esac
	fi
	d=$(cd -- "$d" 2>/dev/null && pwd -P) || return 1
	while :; do
		if [[ -e $d/.git ]]; then
			[[ -d $d/.kiplan ]] && printf '%s\n' "$d"
			return
		fi
		[[ -z $d || $d == / ]] && return 1
		d=${d%/*}
	done
}

# _kiplan_candidates: the candidates for words[cword], in the array
# _kiplan_out, each once; "@files" and "@dirs" ask for names from the
# shell.  Reads words, cword and kp (the kiplan to ask).
_kiplan_candidates()
{
	local -A seen=()
	local -a _kiplan_found=()
	local c
	_kiplan_candidates1
	for c in "${_kiplan_out[@]}"; do
		[[ -n ${seen[$c]-} ]] && continue
		seen[$c]=1
		_kiplan_found+=("$c")
	done
	_kiplan_out=("${_kiplan_found[@]}")
}

_kiplan_candidates1()
{
	local cur=${words[cword]} prev='' cmd='' dir=. i w help arg plan
	local -a _kiplan_opts=()
	local -A _kiplan_arg=()
	local _kiplan_operands=
	_kiplan_out=()
	((cword > 0)) && prev=${words[cword - 1]}

	# Global options, then the command.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-C)
			((i++))
			((i < cword)) && dir=${words[i]/#\~/$HOME}
			;;
		-*) ;;
		*)
			cmd=$w
			break
			;;
		esac
	done
	local -a pre=()
	[[ $dir != . ]] && pre=(-C "$dir")

	if [[ -z $cmd ]]; then
		if [[ $prev == -C ]]; then
			_kiplan_out=(@dirs)
			return
		fi
		help=$(_kiplan_help "$kp" help)
		if [[ $cur == -* ]]; then
			_kiplan_parse "$help"
			_kiplan_out=("${_kiplan_opts[@]}")
		else
			while IFS= read -r w; do
				[[ $w =~ ^\ \ ([a-z][a-z0-9-]*)\ \  ]] &&
					_kiplan_out+=("${BASH_REMATCH[1]}")
			done <<<"$help"
			[[ $help == *'kiplan help COMMAND'* ]] && _kiplan_out+=(help)
		fi
		return
	fi

	if [[ $cmd == help ]]; then
		((cword == i + 1)) || return
		help=$(_kiplan_help "$kp" help)
		while IFS= read -r w; do
			[[ $w =~ ^\ \ ([a-z][a-z0-9-]*)\ \  ]] &&
				_kiplan_out+=("${BASH_REMATCH[1]}")
		done <<<"$help"
		return
	fi

	help=$(_kiplan_help "$kp" "$cmd" --help) || return
	_kiplan_parse "$help"
	_kiplan_opts+=(--help)

	# An option's argument: after the option, or after --option=.
	local opt='' pfx=''
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		pfx=$opt=
		cur=${cur#*=}
	elif [[ -n $prev && -n ${_kiplan_arg[$prev]-} ]]; then
		opt=$prev
	fi
	if [[ -n $opt ]]; then
		arg=${_kiplan_arg[$opt]-}
		if [[ $arg =~ ^[a-z0-9-]+(\|[a-z0-9-]+)+$ ]]; then
			for w in ${arg//|/ }; do
				_kiplan_out+=("$pfx$w")
			done
		elif [[ $arg == *FILE* ]]; then
			_kiplan_out=(@files)
		elif [[ $arg == *DIR* ]]; then
			_kiplan_out=(@dirs)
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		_kiplan_out=("${_kiplan_opts[@]}")
		return
	fi

	case $_kiplan_operands in
	*PLAN*)
		if [[ $cur == *@* ]]; then
			[[ $_kiplan_operands == *@REV* ]] || return
			plan=${cur%%@*}
			while IFS= read -r w; do
				[[ $w =~ ^\ *\{\"revision\":([0-9]+) ]] &&
					_kiplan_out+=("$plan@${BASH_REMATCH[1]}")
			done < <(_kiplan_help "$kp" "${pre[@]}" log --format json "$plan")
			return
		fi
		w=$(_kiplan_repo "$dir") || return
		for plan in "$w"/ki-*.md; do
			[[ -f $plan ]] || continue
			plan=${plan##*/}
			_kiplan_out+=("${plan%.md}")
		done
		;;
	*PATH* | *FILE*)
		_kiplan_out=(@files)
		;;
	*DIR*)
		_kiplan_out=(@dirs)
		;;
	esac
}

# _kiplan_words: words and cword from COMP_WORDS and COMP_CWORD, with the
# pieces that bash splits at "@" and "=" (COMP_WORDBREAKS) put together
# again: "ki-2014-0001" "@" "2" is one word, as is "--format" "=" "js".
_kiplan_words()
{
	local i w join=0
	words=()
	cword=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]} > 0)) && [[ $join == 1 || $w == [@=]* ]]; then
			words[-1]+=$w
			[[ $w == @ || $w == = ]] && join=1 || join=0
		else
			words+=("$w")
			join=0
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	if ((COMP_CWORD >= ${#COMP_WORDS[@]})); then
		words+=("")
		cword=$((${#words[@]} - 1))
	fi
}

_kiplan()
{
	local -a words _kiplan_out=() found=()
	local cword kp cur w cut=
	_kiplan_words
	kp=${words[0]/#\~/$HOME}
	cur=${words[cword]}
	_kiplan_candidates

	COMPREPLY=()
	case ${_kiplan_out[0]-} in
	@files | @dirs)
		# --output=FILE: the name after the "="; bash puts back what
		# precedes it unless "=" is not a word break.
		if [[ $cur == --*=* ]]; then
			[[ $COMP_WORDBREAKS == *=* ]] || cut=${cur%%=*}=
			cur=${cur#*=}
		fi
		compopt -o filenames 2>/dev/null
		if [[ ${_kiplan_out[0]} == @files ]]; then
			mapfile -t found < <(compgen -f -- "$cur")
		else
			mapfile -t found < <(compgen -d -- "$cur")
		fi
		for w in "${found[@]}"; do
			COMPREPLY+=("$cut$w")
		done
		return
		;;
	esac
	for w in "${_kiplan_out[@]}"; do
		[[ $w == "$cur"* ]] && found+=("$w")
	done
	# A word split at "@" or "=" (COMP_WORDBREAKS): bash replaces only
	# what follows the "=", but the "@" with what follows it ("@" is one
	# of readline's special prefixes, as for user@host).
	if [[ $cur == *@* && $COMP_WORDBREAKS == *@* ]]; then
		cut=${cur%@*}
	elif [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
		cut=${cur%=*}=
	fi
	for w in "${found[@]}"; do
		COMPREPLY+=("${w#"$cut"}")
	done
}

complete -F _kiplan kiplan

# As a program, for zsh: bash kiplan.bash --candidates CWORD WORD...
if [[ ${BASH_SOURCE[0]} == "$0" && ${1-} == --candidates ]]; then
	cword=$2
	shift 2
	words=("$@")
	((cword < ${#words[@]})) || words+=("")
	kp=${words[0]/#\~/$HOME}
	_kiplan_out=()
	_kiplan_candidates
	cur=${words[cword]}
	for w in "${_kiplan_out[@]}"; do
		[[ $w == @* || $w == "$cur"* ]] && printf '%s\n' "$w"
	done
fi
