# Helpers for the man page scripts (man_page.cmake, config_man_page.cmake): text made safe for roff, text split into
# lines without CMake's list syntax getting in the way, and the page written gzipped without a timestamp.

# roff_escape(OUT TEXT): TEXT as roff prints it literally. Backslashes first; '-' as \- so options and commands copy
# and paste as ASCII hyphen-minus; quotes, backticks, carets and tildes as their ASCII glyphs (groff would print
# typographic ones); a line starting with '.' protected by \&.
function(roff_escape out text)
  string(REPLACE "\\" "\\(rs" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REPLACE "'" "\\(aq" text "${text}")
  string(REPLACE "`" "\\(ga" text "${text}")
  string(REPLACE "^" "\\(ha" text "${text}")
  string(REPLACE "~" "\\(ti" text "${text}")
  string(REGEX REPLACE "(^|\n)\\." "\\1\\\\&." text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Semicolons and square brackets mean something to CMake's lists: inside a list they stand in as control characters.
string(ASCII 1 ROFF_SC)
string(ASCII 2 ROFF_LB)
string(ASCII 3 ROFF_RB)

# text_lines(OUT TEXT): TEXT's lines as a CMake list (empty lines kept); roff_line(OUT ELEMENT) gives one back.
function(text_lines out text)
  string(REPLACE ";" "${ROFF_SC}" text "${text}")
  string(REPLACE "[" "${ROFF_LB}" text "${text}")
  string(REPLACE "]" "${ROFF_RB}" text "${text}")
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
function(roff_line out element)
  string(REPLACE "${ROFF_SC}" ";" element "${element}")
  string(REPLACE "${ROFF_LB}" "[" element "${element}")
  string(REPLACE "${ROFF_RB}" "]" element "${element}")
  set(${out} "${element}" PARENT_SCOPE)
endfunction()

# write_man_page(FILE CONTENT): FILE.gz, gzip -n so the same input gives the same bytes; no hyphenation and ragged
# right (words in these pages are commands, keys and paths, often long).
function(write_man_page file content)
  string(REGEX REPLACE "^(\\.TH [^\n]*\n)" "\\1.nh\n.ad l\n" content "${content}")
  file(WRITE "${file}" "${content}")
  execute_process(COMMAND gzip -n -9 -f "${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${file} failed (${rc})")
  endif()
endfunction()

# The date in each page's header: SOURCE_DATE_EPOCH when set, else the source tree's last commit, else today.
function(man_page_date out source_dir)
  if(DEFINED ENV{SOURCE_DATE_EPOCH})
    string(TIMESTAMP date "%Y-%m-%d" UTC)
  else()
    execute_process(COMMAND git -C "${source_dir}" log -1 --format=%cs
                    OUTPUT_VARIABLE date OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
    if(NOT rc EQUAL 0 OR NOT date MATCHES "^[0-9]+-[0-9]+-[0-9]+$")
      string(TIMESTAMP date "%Y-%m-%d" UTC)
    endif()
  endif()
  set(${out} "${date}" PARENT_SCOPE)
endfunction()
