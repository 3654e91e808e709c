/** The in-process workspace of the monitoring tests (shared helper, this suite's time scale). */
import { startTestWorkspace, TEST_PRINCIPAL, type TestWorkspace } from '../../helpers/testWorkspace';

export type { TestWorkspace };
export const SP = TEST_PRINCIPAL;
export const TIME_SCALE = 0.001;

export function startWorkspace(timeScale = TIME_SCALE): Promise<TestWorkspace> {
  return startTestWorkspace({ timeScale, retryBudgetMs: 5_000 });
}
