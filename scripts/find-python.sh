#!/usr/bin/env bash
# Print the path of a Python interpreter of the requested minor version (e.g. 3.10), or explain how to get one.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10}"
works() { "$1" -c 'import sys' >/dev/null 2>&1; }
if command -v "python${want}" >/dev/null 2>&1 && works "python${want}"; then command -v "python${want}"; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/"${want}".*/bin/python"${want}"; do
    if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
if command -v python3 >/dev/null 2>&1 && python3 -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '${want}' else 1)"; then
  command -v python3; exit 0
fi
cat >&2 <<MSG
error: Python ${want} was not found.
  Switchboard needs Python ${want} for this environment (Rasa 3.6 supports Python 3.8-3.10; the ML stack uses 3.11).
  Install it, for example with 'pyenv install ${want}' or your system's package manager ('apt-get install python${want}'),
  so that 'python${want}' is on PATH, then run make again.
MSG
exit 1
