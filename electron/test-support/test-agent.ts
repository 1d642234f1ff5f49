/**
 * The test agent CLI: what a real agent CLI does, in one line of bash, so tests need no image
 * of their own and no network. It works (prints for a while), asks a question and waits for
 * an answer, works again, then exits with code 3. Each phase prints a marker the tests wait for.
 */
export const TEST_AGENT_EXIT = 3;
export const TEST_AGENT_COMMAND =
  'echo "test-agent: starting"; for i in 1 2 3; do echo "test-agent: working $i"; sleep 1; done; ' +
  'printf "test-agent: proceed? [y/n] "; read -r answer; echo "test-agent: got $answer"; ' +
  `for i in 1 2 3 4 5 6; do echo "test-agent: working again $i"; sleep 1; done; echo "test-agent: done"; exit ${TEST_AGENT_EXIT}`;
