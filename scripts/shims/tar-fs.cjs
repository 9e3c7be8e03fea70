// Only client-node's Cp (copying files into and out of pods) imports tar-fs, and we never use Cp. Standing in keeps
// tar-fs, tar-stream, streamx and friends (~50 KB) out of the bundle; a call would say plainly why it fails.
function notBundled() {
  throw new Error('copying files into pods (client-node Cp) is not bundled in the K8s Sandbox extension');
}
module.exports = { extract: notBundled, pack: notBundled };
