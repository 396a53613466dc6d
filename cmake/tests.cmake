# CTest tests, each with a label and a timeout.
#
# Catch2 test cases are discovered after each build, one CTest test per case, labelled by their
# tags: each group below takes the cases with any of its tags that no earlier group took, so a
# case lands in exactly one group (the tidy test checks that every case has a tag named here).
# Then two tests per shipped scenario (scenarios/**/*.yaml, studies/ aside): one runs the scenario
# once at its seed, checks its expect: block and compares the replay with tests/golden/; the
# other verifies the expect: block over seeds 1 to 20 (designsim verify --seeds 20), so that a
# user who sweeps a shipped scenario sees what it promises.
#   ctest -L lock          the lock model's unit tests and its scenarios
#   ctest -L bank          the bank model's unit tests and its scenarios
#   ctest -L postgres      the simulated PostgreSQL, Hermitage's cases among them
#   ctest -L scenarios     every shipped scenario (DESIGNSIM_UPDATE_GOLDEN=1 rewrites tests/golden/)
#   ctest -L seeds         every shipped scenario over 20 seeds
#   ctest -L html          the HTML reports rendered in headless Chromium (screenshots in build/html-pages/)
#   ctest -L shrink        every shipped scenario that shows a violation, shrunk (designsim shrink)

# Seconds. The slowest test (the Redlock-versus-fencing study) takes 5 to 15 s in an optimised
# build on a busy two-core machine and the slowest scenario (payment/p10-day-atomic-claim, a day of
# 100,000 payments) 8 s, 44 s under the sanitizers on a quiet machine. A test past its timeout is a
# hang, not a slow machine.
set(DESIGNSIM_TEST_TIMEOUT 300)
set(DESIGNSIM_SCENARIO_TIMEOUT 300)
# The 20-seed tests took 612 s in all, one thread each, on the development machine with two
# cores under a load of about 15 (million-users the slowest, 83 s; snowflake/hot-node 64 s):
# five minutes of wall time at ctest -j2, well inside the CI budget.
set(DESIGNSIM_SEEDS_TIMEOUT 600)
set(DESIGNSIM_VERIFY_SEEDS 20)
# A shrink test runs designsim shrink with a budget of 40 runs, then checks and replays the result.
set(DESIGNSIM_SHRINK_TIMEOUT 300)

set(designsim_taken_tags "")
function(designsim_test_group label)
  set(alternatives "")
  foreach(tag IN LISTS ARGN)
    set(alternative "[${tag}]")
    foreach(taken IN LISTS designsim_taken_tags)
      string(APPEND alternative "~[${taken}]")
    endforeach()
    list(APPEND alternatives "${alternative}")
  endforeach()
  list(JOIN alternatives "," spec)
  catch_discover_tests(designsim_tests TEST_SPEC "${spec}" WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                       PROPERTIES LABELS ${label} TIMEOUT ${DESIGNSIM_TEST_TIMEOUT})
  set(designsim_taken_tags ${designsim_taken_tags} ${ARGN} PARENT_SCOPE)
endfunction()

# The conform group plays 2,000 schedules a level against a real server: up to 10 minutes each.
set(designsim_test_timeout_kept ${DESIGNSIM_TEST_TIMEOUT})
set(DESIGNSIM_TEST_TIMEOUT 600)
designsim_test_group(conform conform)
set(DESIGNSIM_TEST_TIMEOUT ${designsim_test_timeout_kept})
designsim_test_group(scenarios scenarios)
designsim_test_group(cli cli)
designsim_test_group(tidy tidy)
designsim_test_group(lock lock raft etcd)
designsim_test_group(bank bank)
designsim_test_group(ratelimiter ratelimiter)
designsim_test_group(snowflake snowflake)
designsim_test_group(queue queue)
designsim_test_group(scheduler scheduler)
designsim_test_group(payment payment)
designsim_test_group(redis redis redis-server lua)
designsim_test_group(postgres postgres hermitage)
designsim_test_group(reports reports study output)
designsim_test_group(html html)
designsim_test_group(loader scenario)
designsim_test_group(kernel world sleep network rpc clock time random distribution histogram metrics faults)

file(GLOB_RECURSE designsim_scenarios CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/scenarios
     ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/*.yaml)
list(SORT designsim_scenarios)
foreach(scenario IN LISTS designsim_scenarios)
  if(scenario MATCHES "(^|/)studies/[^/]*$")  # study files (is_study_path), not scenarios
    continue()
  endif()
  string(REGEX REPLACE "\\.yaml$" "" name "${scenario}")
  string(REGEX MATCH "^[^/]+" model "${scenario}")
  add_test(NAME scenario:${name} COMMAND designsim_tests --scenario scenarios/${scenario} "[golden]")
  set_tests_properties(scenario:${name} PROPERTIES LABELS "scenarios;${model}" TIMEOUT ${DESIGNSIM_SCENARIO_TIMEOUT}
                                                   WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  add_test(NAME seeds:${name} COMMAND designsim verify scenarios/${scenario} --seeds ${DESIGNSIM_VERIFY_SEEDS} --jobs 1)
  set_tests_properties(seeds:${name} PROPERTIES LABELS "seeds;${model}" TIMEOUT ${DESIGNSIM_SEEDS_TIMEOUT}
                                                WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  # A scenario whose expect: block names a violated check shrinks to one that still violates it.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/${scenario})
  file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/${scenario} violated_lines REGEX "^  violated: *\\[ *[a-z]")
  if(violated_lines)
    add_test(NAME shrink:${name} COMMAND designsim_tests --scenario scenarios/${scenario} "[shrink]")
    set_tests_properties(shrink:${name} PROPERTIES LABELS "shrink;${model}" TIMEOUT ${DESIGNSIM_SHRINK_TIMEOUT}
                                                   WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
endforeach()

# A sharded sweep and study through a real single-node Slurm (tests/slurm/end_to_end.sh). It
# fails, never skips, when Slurm is not installed (scripts/install-deps installs it).
add_test(NAME slurm:sharded-sweep-and-study
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/slurm/end_to_end.sh $<TARGET_FILE:designsim>
                 ${CMAKE_CURRENT_SOURCE_DIR})
set_tests_properties(slurm:sharded-sweep-and-study PROPERTIES LABELS slurm TIMEOUT 600 RUN_SERIAL TRUE)

# The scheduler benchmark at a tiny size (about a second): it runs, every check holds over the
# tasks' whole history, and it exits 0. The benchmark itself is run by hand (README, Benchmarks).
add_dependencies(designsim_tests designsim_scheduler_bench)
add_test(NAME bench:scheduler-quick COMMAND designsim_scheduler_bench --quick)
set_tests_properties(bench:scheduler-quick PROPERTIES LABELS "bench;scheduler" TIMEOUT 120)
# The payment benchmark at a tiny size (a few seconds): it runs, every check holds, it exits 0.
add_dependencies(designsim_tests designsim_payment_bench)
add_test(NAME bench:payment-quick COMMAND designsim_payment_bench --quick)
set_tests_properties(bench:payment-quick PROPERTIES LABELS "bench;payment" TIMEOUT 120)
