/**
 * The classic releases the fake Azure DevOps host serves through its Release API (shared by the
 * harness server and the tests): release 77 with two stages, Dev (succeeded) and Prod (failed on
 * its second attempt, after a redeploy; two agent jobs and a manual-intervention phase without a
 * plan), and release 78 whose Dev stage ran without reports and whose Prod stage never deployed.
 * Shapes as the REST API returns them with `enumsAsNumbers=true` (Release/Release.d.ts).
 */
export const RELEASE_AREA_ID = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5';

export const PLANS = {
  dev: '11111111-1111-4111-8111-000000000001',
  prodAttempt1: '22222222-2222-4222-8222-000000000001',
  prodDeploy: '22222222-2222-4222-8222-000000000002',
  prodGate: '22222222-2222-4222-8222-000000000003',
  emptyDev: '33333333-3333-4333-8333-000000000001',
} as const;

/** EnvironmentStatus: Succeeded = 4, Rejected = 16 (a failed deployment), NotStarted = 1. */
export const RELEASES = [
  {
    id: 77,
    name: 'Release-77',
    environments: [
      { id: 301, releaseId: 77, name: 'Dev', status: 4, deploySteps: [{ attempt: 1, releaseDeployPhases: [{ name: 'Agent job', runPlanId: PLANS.dev }] }] },
      {
        id: 302,
        releaseId: 77,
        name: 'Prod',
        status: 16,
        deploySteps: [
          {
            attempt: 2,
            releaseDeployPhases: [
              { name: 'Deploy', runPlanId: PLANS.prodDeploy },
              { name: 'Gate', runPlanId: PLANS.prodGate },
              { name: 'Approve rollout', runPlanId: null },
            ],
          },
          { attempt: 1, releaseDeployPhases: [{ name: 'Deploy', runPlanId: PLANS.prodAttempt1 }] },
        ],
      },
    ],
  },
  {
    id: 78,
    name: 'Release-78',
    environments: [
      { id: 401, releaseId: 78, name: 'Dev', status: 4, deploySteps: [{ attempt: 1, releaseDeployPhases: [{ name: 'Agent job', runPlanId: PLANS.emptyDev }] }] },
      { id: 402, releaseId: 78, name: 'Prod', status: 1, deploySteps: [] },
    ],
  },
];

/** The report attachments per `${releaseId}/${environmentId}/${attempt}/${planId}`. */
export const RELEASE_ATTACHMENTS: Record<string, string[]> = {
  [`77/301/1/${PLANS.dev}`]: ['registration-promoted.json', 'deployment-canary.json', 'legacy-deployment-v0.json'],
  [`77/302/1/${PLANS.prodAttempt1}`]: ['deployment-plan.json'],
  [`77/302/2/${PLANS.prodDeploy}`]: ['deployment-rollback.json'],
  [`77/302/2/${PLANS.prodGate}`]: ['drift-detected.json', 'truncated.json'],
  [`78/401/1/${PLANS.emptyDev}`]: [],
};

export const RELEASE_TIMELINE_ID = '0d5e4c2a-8f4e-4b6d-8b62-7a1b3e2f0c88';

export function releaseRecordId(index: number): string {
  return `b2c3d4e5-0000-4000-8000-${String(index).padStart(12, '0')}`;
}
