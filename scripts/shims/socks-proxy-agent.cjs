// client-node imports SocksProxyAgent at load, for kubeconfigs whose proxy-url is socks5://. The real module
// (socks, ip-address, smart-buffer) is evaluated only when such an agent is made: its regex tables and classes
// cost module load time on every activation otherwise. Same bundle; esbuild evaluates the require lazily.
class SocksProxyAgent {
  constructor(...args) {
    const Real = require('../../node_modules/socks-proxy-agent/dist/index.js').SocksProxyAgent;
    return new Real(...args);
  }
}
module.exports = { SocksProxyAgent };
