// node-fetch (under client-node) uses Node's own URL and only falls back to whatwg-url without one; every Node we
// run on has it, so this stands in and keeps tr46's 260 KB Unicode tables out of the bundle.
module.exports = { URL: require('node:url').URL, URLSearchParams: require('node:url').URLSearchParams };
