#!/usr/bin/python3
"""Every default the README states for a command-line flag is the one `--help` shows.

Usage: readme_defaults_check.py README.md OCIMIRROR_BINARY
A README table row `| \`--flag ...\` | ... (default \`X\`) |` (or `...; default \`X\`)`) is checked against the
`(=X)` that `ocimirror COMMAND --help` prints for --flag, over every command; a flag the README gives a default
for and no command knows, or a different default, is an error naming the line.
"""
import re
import subprocess
import sys

readme, binary = sys.argv[1], sys.argv[2]
top = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  ([a-z]+)\b", top.split("Commands:")[1].split("\n\n")[0], re.M)
helps = {}
for c in commands:
    text = subprocess.run([binary, c, "--help"], capture_output=True, text=True).stdout
    # program_options wraps descriptions: only the option column matters here.
    for m in re.finditer(r"^  (?:-\w \[ )?--([a-z][a-z0-9-]*)(?: \])? arg \(=([^)]*)\)", text, re.M):
        helps.setdefault(m.group(1), {})[c] = m.group(2)
problems, checked = [], 0
for n, line in enumerate(open(readme), 1):
    row = re.match(r"^\| `--([a-z][a-z0-9-]*)[^|]*\|(.*)\|\s*$", line)
    if not row:
        continue
    default = re.search(r"default `([^`]+)`", row.group(2))
    if not default:
        continue
    flag, want = row.group(1), default.group(1)
    if flag not in helps:
        problems.append(f"README.md:{n}: --{flag} has a default in the README but no command's --help shows one")
        continue
    checked += 1
    for c, got in sorted(helps[flag].items()):
        if got != want:
            problems.append(f"README.md:{n}: --{flag} defaults to `{want}` in the README but `{got}` in `{c} --help`")
for p in problems:
    print(p)
if not checked:
    problems.append("no README default was found to check")
    print(problems[-1])
print(f"README defaults: {checked} flags checked against --help" if not problems else "", end="")
sys.exit(1 if problems else 0)
