// Query parameters as kube-apiserver decodes them: apimachinery's parameter codec (runtime/conversion.go)
// for ListOptions, DeleteOptions, PodExecOptions and PodLogOptions alike, and the request-info resolver's
// list-or-watch rule (endpoints/request/requestinfo.go), which uses the same boolean rule.
import { badRequest } from './status';

/**
 * runtime.Convert_Slice_string_To_bool: absent, "0" or "false" in any case is false; every other value is true
 * (Python's `True`, `1`, `t`, even an empty value). A bad boolean is never an error on a real server.
 */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

/** True for a watch request (`?watch=...` by the rule above). */
export const isWatch = (q: URLSearchParams): boolean => queryBool(q, 'watch');

const GO_INT = /^[+-]?\d+$/;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * runtime.Convert_Slice_string_To_int64 (strconv.ParseInt): undefined when absent; a bad value is the 400 the
 * server answers with Go's own message.
 */
export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!GO_INT.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n > INT64_MAX || n < -INT64_MAX - 1n)
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}
