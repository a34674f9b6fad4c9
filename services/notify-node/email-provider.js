// The mail provider that email.send stands for: a stand-in that takes about
// 30 ms, so the span has a duration. NOTIFY_EMAIL_PROVIDER=failing makes every
// send fail, so that one error can be followed back up the chain
// (notification-service → order-service → api-gateway → the client).
const PROVIDERS = ['working', 'failing'];
const provider = process.env.NOTIFY_EMAIL_PROVIDER || 'working';

if (!PROVIDERS.includes(provider)) {
  console.error(`expected NOTIFY_EMAIL_PROVIDER to be one of ${PROVIDERS.join(', ')} (or unset), got "${provider}"`);
  process.exit(1);
}

// A named error, so the exception event's exception.type says what failed.
class EmailProviderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EmailProviderError';
  }
}

function sendEmail() {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      if (provider === 'failing') reject(new EmailProviderError('email provider unavailable'));
      else resolve();
    }, 30);
  });
}

module.exports = { sendEmail };
