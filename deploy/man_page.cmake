# cmake -DBINARY=... -DHELP2MAN=... -DOUT=.../ocimirror.1 -P man_page.cmake: the man page from the binary's own
# --help (help2man), with a COMMANDS section holding every command's --help verbatim, gzipped (-n: no timestamp).
execute_process(COMMAND ${BINARY} --help OUTPUT_VARIABLE top)
string(REGEX MATCH "Commands:\n(.*)\n\n" _ "${top}")
string(REGEX MATCHALL "\n  ([a-z]+) " names "\n${CMAKE_MATCH_1}")
set(include "[COMMANDS]\n")
foreach(n ${names})
  string(STRIP "${n}" n)
  execute_process(COMMAND ${BINARY} ${n} --help OUTPUT_VARIABLE help)
  string(REPLACE "\\" "\\\\" help "${help}")
  string(REGEX REPLACE "\n\\." "\n\\\\&." help "${help}")
  string(APPEND include ".SS ${n}\n.nf\n${help}\n.fi\n")
endforeach()
file(WRITE ${OUT}.include "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
                        "--name=mirrors OCI artifacts between registries, digest-exact"
                        --include=${OUT}.include --output=${OUT} ${BINARY}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
execute_process(COMMAND gzip -n -9 -f ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed")
endif()
