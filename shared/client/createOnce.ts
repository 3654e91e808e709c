/**
 * A create POST that is never duplicated by a retry (the Go and Python SDKs retry only 429/503
 * and transient messages: go-sdk `httpclient/api_client.go`, py-sdk `_base_client.py`). The
 * request is sent with `resendAfterLostAnswer: false`, so the client does not re-send it after a 504, a
 * timeout or a dropped connection; instead the object is read back first:
 * - found → the lost create was processed: that object is the result;
 * - not found → the create is sent again (a few times at most).
 * An "already exists" answer to a create sent again after a lost answer is the first create
 * landing late: success when the object found matches what was asked for.
 * This is what registration does for model versions (tasks/DatabricksRegisterModel/src/registration.ts),
 * applied to objects that have a natural key to look them up by (monitor: the table; alert: its name).
 */
import { isAlreadyExists } from './errors';
import { isLostAnswer } from './retryStrategies';
import { message } from '../runtime/messages';

export interface CreateOnceOptions<T> {
  /** Sends the create; must pass `resendAfterLostAnswer: false` to the client. */
  create: () => Promise<T>;
  /** Reads the object the create makes; undefined when it does not exist. */
  find: () => Promise<T | undefined>;
  /** Whether an object found after "already exists" is the one asked for. */
  matches: (found: T) => boolean;
  /** What is created, for messages: `the monitor of main.s.t`. */
  what: string;
  onRecovered?: (message: string) => void;
  /** Creates sent at most (default 3). */
  maxAttempts?: number;
}

export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  let lost = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.create();
    } catch (e) {
      if (isLostAnswer(e) && attempt < maxAttempts) {
        lost = true;
        const found = await options.find();
        if (found !== undefined) {
          options.onRecovered?.(message('CreateOnceAnswerLost', options.what, (e as Error).message));
          return found;
        }
        continue;
      }
      if (lost && isAlreadyExists(e)) {
        const found = await options.find();
        if (found !== undefined && options.matches(found)) {
          options.onRecovered?.(message('CreateOnceResent', options.what));
          return found;
        }
        throw new Error(message('CreateOnceConflict', options.what, (e as Error).message));
      }
      throw e;
    }
  }
}
