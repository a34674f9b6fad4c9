// POST /w3c/test: the test-service endpoint of the W3C Trace Context suite
// (github.com/w3c/trace-context, test/README.md). The suite sends a list of
// {url, arguments}; we POST each `arguments` to its `url`, in order, so the
// suite can check the traceparent/tracestate we propagate.
const http = require('node:http');
const net = require('node:net');

const CALL_TIMEOUT_MS = 5000;

async function handleW3cTest(req, res) {
  // A web page open in the user's browser names its origin on every POST; the
  // suite's harness and polytrace's probe send none. (A text/plain body, which
  // a page may send without a preflight, is never parsed: req.body is empty.)
  if (req.get('origin') !== undefined) {
    res.status(403).json({ error: `expected no Origin (a test harness, not a web page), got ${req.get('origin')}` });
    return;
  }
  const calls = req.body;
  if (!Array.isArray(calls) || !calls.every((call) => isLoopbackHttpUrl(call?.url))) {
    // Checked for every entry before calling any: this endpoint must never
    // become a way to make the service send requests elsewhere.
    res.status(400).json({
      error: 'expected a JSON array of {"url", "arguments"} with http URLs on a loopback host',
    });
    return;
  }

  try {
    for (const call of calls) {
      await postJson(call.url, call.arguments);
    }
  } catch (err) {
    res.status(502).json({ error: err.message });
    return;
  }
  res.sendStatus(200);
}

function isLoopbackHttpUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  // URL keeps IPv6 hosts in brackets ("[::1]") and normalises the address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
}

// node:http rather than fetch: the http instrumentation patches node:http, so
// each call gets its own client span and the propagators inject its context.
// (The global fetch is undici, which it does not see.) node:http also never
// follows redirects, which matters here: only the given URL was checked to be
// on loopback, and a loopback server could redirect the call elsewhere.
function postJson(url, body) {
  const payload = JSON.stringify(body ?? null);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        timeout: CALL_TIMEOUT_MS,
      },
      (response) => {
        // The suite judges what it received, not what it answers; read the
        // body only to free the socket.
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => {
      request.destroy(new Error(`expected an answer from ${url} within ${CALL_TIMEOUT_MS} ms, got none`));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

module.exports = { handleW3cTest, isLoopbackHttpUrl };
