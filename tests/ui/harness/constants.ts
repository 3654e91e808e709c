/** Identities shared by the fake host page (browser) and the harness server (Node). */
export const FAKE_HOST_PROJECT = '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c';
export const FAKE_HOST_BUILD_ID = 4711;
export const FAKE_HOST_TOKEN = 'fake-host-access-token';
