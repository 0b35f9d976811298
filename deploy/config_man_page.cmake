# Included by man_page.cmake (BINARY, OUT_DIR, SOURCE_DIR, th_tail set): ocimirror.yaml(5), the configuration file,
# from `ocimirror check --schema`, the JSON Schema generated from config/keys.cpp's key table (the table the loader
# checks against), so every key, its type, allowed values and description are those the program knows. The example
# is systemd/config.example.yaml, the one the package installs (and tests check).

run_binary(schema check --schema)

function(jget out json)
  string(JSON v ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err)
    set(v "")
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()
function(jlength out json)
  string(JSON v ERROR_VARIABLE err LENGTH "${json}" ${ARGN})
  if(err)
    set(v 0)
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()
# A JSON array of strings as "a, b, c".
function(jstrings out json)
  jlength(n "${json}")
  set(r "")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE 0 ${last})
      string(JSON v GET "${json}" ${i})
      if(r STREQUAL "")
        set(r "${v}")
      else()
        string(APPEND r ", ${v}")
      endif()
    endforeach()
  endif()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()
# An alternative that is only there to allow ${VAR} in a value that otherwise has a fixed form.
function(is_variable_form out node)
  jget(p "${node}" pattern)
  string(FIND "${p}" "\\$\\{" pos)
  if(pos EQUAL 0)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# type_text(OUT NODE): the value's type in words (plain text).
function(type_text out node)
  jget(type "${node}" type)
  jget(enum "${node}" enum)
  jlength(alternatives "${node}" anyOf)
  if(NOT enum STREQUAL "")
    jstrings(values "${enum}")
    set(t "one of: ${values}")
  elseif(alternatives GREATER 0)
    set(t "")
    math(EXPR last "${alternatives} - 1")
    foreach(i RANGE 0 ${last})
      string(JSON alt GET "${node}" anyOf ${i})
      is_variable_form(variable "${alt}")
      jget(alt_type "${alt}" type)
      if(NOT variable AND NOT alt_type STREQUAL "null")
        type_text(a "${alt}")
        if(t STREQUAL "")
          set(t "${a}")
        else()
          string(APPEND t ", or ${a}")
        endif()
      endif()
    endforeach()
  elseif(type STREQUAL "array")
    jget(items "${node}" items)
    type_text(item "${items}")
    if(item MATCHES "^(string|mapping|integer|boolean)$")
      set(t "list of ${item}s")
    else()
      set(t "list of: ${item}")
    endif()
  elseif(type STREQUAL "string")
    jget(pattern "${node}" pattern)
    if(pattern STREQUAL "^([0-9]+[smhd])+$")
      set(t "duration")
    else()
      set(t "string")
    endif()
  elseif(type STREQUAL "integer" OR type STREQUAL "number")
    jget(min "${node}" minimum)
    jget(max "${node}" maximum)
    if(NOT min STREQUAL "" AND NOT max STREQUAL "")
      set(t "${type}, ${min} to ${max}")
    elseif(NOT min STREQUAL "")
      set(t "${type}, at least ${min}")
    else()
      set(t "${type}")
    endif()
  elseif(type STREQUAL "object")
    jget(more "${node}" additionalProperties)
    if(more MATCHES "^{")
      set(t "mapping of names to settings")
    else()
      set(t "mapping")
    endif()
  elseif(NOT type STREQUAL "")
    set(t "${type}")
  else()
    set(t "value")
  endif()
  set(${out} "${t}" PARENT_SCOPE)
endfunction()

# JSON objects come back from string(JSON) with their members sorted; the key table's order (the one --schema prints)
# is read from the raw text instead: sorted_keys(OUT NODE OFFSET) lists NODE's properties in the order they first
# appear after OFFSET in the raw schema, as "1000000000+POSITION|KEY" elements (POSITION: where that key is, for
# its children; the constant keeps the numbers one length, so they sort as text).
function(sorted_keys out node offset)
  string(SUBSTRING "${schema}" ${offset} -1 tail)
  jlength(n "${node}" properties)
  set(r "")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE 0 ${last})
      string(JSON key MEMBER "${node}" properties ${i})
      string(FIND "${tail}" "\"${key}\": {" pos)
      if(pos EQUAL -1)
        set(pos 0)
      endif()
      math(EXPR pos "${offset} + ${pos}")
      math(EXPR sortable "1000000000 + ${pos}")
      list(APPEND r "${sortable}|${key}")
    endforeach()
    list(SORT r)
  endif()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# The objects below a key: its own properties, an object alternative, the items of a list, the values of a map.
# walk_below(NODE PATH OFFSET) appends every key under NODE to the CONFIG_KEYS global property, PATH (roff) first.
function(walk_below node path offset)
  jlength(n "${node}" properties)
  if(n GREATER 0)
    walk_properties("${node}" "${path}." ${offset} TRUE)
  endif()
  jlength(alternatives "${node}" anyOf)
  if(alternatives GREATER 0)
    math(EXPR last "${alternatives} - 1")
    foreach(i RANGE 0 ${last})
      string(JSON alt GET "${node}" anyOf ${i})
      walk_below("${alt}" "${path}" ${offset})
    endforeach()
  endif()
  jget(items "${node}" items)
  if(items MATCHES "^{")
    walk_below("${items}" "${path}[]" ${offset})
  endif()
  jget(more "${node}" additionalProperties)
  if(more MATCHES "^{")
    if(path STREQUAL "registries")
      set(placeholder HOST)
    else()
      set(placeholder NAME)
    endif()
    walk_below("${more}" "${path}.\\fI${placeholder}\\fB" ${offset})
  endif()
endfunction()

function(has_keys_below out node)
  string(FIND "${node}" "\"properties\"" pos)
  if(pos EQUAL -1)
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

# One .TP per property of NODE (PREFIX: the roff path before the key), then, with RECURSE, whatever lies below it.
# Under defaults the keys are the policies' own: they are listed, not their sub-keys.
function(walk_properties node prefix offset recurse)
  set(required_keys "")
  jlength(nreq "${node}" required)
  if(nreq GREATER 0)
    math(EXPR last "${nreq} - 1")
    foreach(i RANGE 0 ${last})
      string(JSON r GET "${node}" required ${i})
      list(APPEND required_keys "${r}")
    endforeach()
  endif()
  sorted_keys(keys "${node}" ${offset})
  foreach(entry IN LISTS keys)
    string(REGEX MATCH "^([0-9]+)[|](.*)$" _ "${entry}")
    math(EXPR pos "${CMAKE_MATCH_1} - 1000000000")
    set(key "${CMAKE_MATCH_2}")
    string(JSON child GET "${node}" properties "${key}")
    roff_escape(k "${key}")
    set(path "${prefix}${k}")
    type_text(type "${child}")
    if(key IN_LIST required_keys)
      string(APPEND type ", required")
    endif()
    jget(description "${child}" description)
    has_keys_below(below "${child}")
    if(prefix STREQUAL "defaults." AND below)
      string(APPEND description " Its keys are those of policies[].${key}.")
    endif()
    roff_escape(type "${type}")
    roff_escape(description "${description}")
    set_property(GLOBAL APPEND_STRING PROPERTY CONFIG_KEYS ".TP\n\\fB${path}\\fR (${type})\n${description}\n")
    if(recurse AND NOT prefix STREQUAL "defaults.")
      walk_below("${child}" "${path}" ${pos})
    endif()
  endforeach()
endfunction()

# The top level: each key with its type, then one subsection per key that has keys below it.
jget(top_description "${schema}" description)
set_property(GLOBAL PROPERTY CONFIG_KEYS "")
walk_properties("${schema}" "" 0 FALSE)
get_property(top_keys GLOBAL PROPERTY CONFIG_KEYS)
set(sections "")
sorted_keys(keys "${schema}" 0)
foreach(entry IN LISTS keys)
  string(REGEX MATCH "^([0-9]+)[|](.*)$" _ "${entry}")
  math(EXPR pos "${CMAKE_MATCH_1} - 1000000000")
  set(key "${CMAKE_MATCH_2}")
  string(JSON child GET "${schema}" properties "${key}")
  set_property(GLOBAL PROPERTY CONFIG_KEYS "")
  roff_escape(k "${key}")
  walk_below("${child}" "${k}" ${pos})
  get_property(below GLOBAL PROPERTY CONFIG_KEYS)
  if(NOT below STREQUAL "")
    string(APPEND sections ".SS ${k}\n${below}")
  endif()
endforeach()

file(READ "${SOURCE_DIR}/systemd/config.example.yaml" example)
roff_escape(example "${example}")
roff_escape(top_description "${top_description}")
set(page ".TH OCIMIRROR.YAML 5 ${th_tail} \"File Formats\"
.SH NAME
ocimirror.yaml \\- the ocimirror configuration: registries, mirror policies and the daemon
.SH SYNOPSIS
.B /etc/ocimirror/config.yaml
(the systemd service\\(aqs), or any file given to \\fB\\-\\-config\\fR
.SH DESCRIPTION
${top_description}
It is read by \\fBocimirror sync\\fR, \\fBocimirror daemon\\fR (again on SIGHUP), \\fBocimirror check\\fR and
\\fBocimirror cache\\fR.
.PP
The file is YAML. A key that is not listed below is an error, as is a duplicate key, a value of the wrong type or
outside its range: \\fBocimirror check \\-\\-config\\fR \\fIFILE\\fR reports every problem at once as
\\fIFILE\\fR:\\fILINE\\fR:\\fICOL\\fR: \\fIkey.path\\fR: \\fIproblem\\fR, without contacting any registry.
\\fBocimirror check \\-\\-schema\\fR prints the same key table as a JSON Schema for editors.
.PP
Durations are written as numbers with units: 45s, 15m, 1h30m, 1d.
.SS Environment variables
Every string value may contain \\fB\\(Do{\\fR\\fIVAR\\fR\\fB}\\fR, replaced by the environment variable
\\fIVAR\\fR, or \\fB\\(Do{\\fR\\fIVAR\\fR\\fB:\\-\\fR\\fIdefault\\fR\\fB}\\fR, which falls back to \\fIdefault\\fR
when \\fIVAR\\fR is unset or empty. A variable that is unset (or set but empty) with no default is an error: an
empty password is never what was meant. Secrets belong there (\\fBpassword: \\(Do{REGISTRY_PASSWORD}\\fR), or in
the \\fI*_file\\fR keys; under systemd the unit reads such variables from \\fI/etc/ocimirror/env\\fR.
.SH KEYS
.SS Top level
${top_keys}${sections}.SH EXAMPLE
The example the package installs as \\fI/etc/ocimirror/config.example.yaml\\fR:
.PP
.RS 2
.nf
${example}.fi
.RE
.SH FILES
.TP
.I /etc/ocimirror/config.yaml
the configuration the systemd service runs with (written by the operator; no package owns it)
.TP
.I /etc/ocimirror/config.example.yaml
the example above
.TP
.I /usr/share/doc/ocimirror/examples/
more configurations: cloud registries, air\\-gap bundles, backups
.TP
.I /usr/share/ocimirror/ocimirror\\-config.schema.json
the JSON Schema of this file, for editors
.SH SEE ALSO
.BR ocimirror (1),
.BR ocimirror\\-check (1),
.BR ocimirror\\-sync (1),
.BR ocimirror\\-daemon (1),
.BR ocimirror\\-cache (1)
")
write_man_page("${OUT_DIR}/man5/ocimirror.yaml.5" "${page}")
