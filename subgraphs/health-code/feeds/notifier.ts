// Pop-up notices go out through a notifier: an SMS provider behind an HTTP client in services
// mode, or, in embedded mode and tests, a demo notifier that records masked messages only. The
// text names no person: it says a pop-up appeared and how to clear it.
import { maskPhone } from "../../../kernel/identity";
import { optionalEnv, urlFromEnv, ConfigError } from "../../../kernel/config/env";

export interface Notice { phone: string; text: string }
export interface Notifier {
  readonly name: string;
  notify(notice: Notice): Promise<void>;
}

/** Posts {phone, text} to an SMS provider; failures are the caller's to log (the cause stands). */
export function httpSmsNotifier(url: string, apiKey?: string): Notifier {
  return {
    name: `sms:${new URL(url).host}`,
    async notify(notice) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify(notice),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
    },
  };
}

/** Embedded mode and tests only: keeps the last messages with the phone masked, sends nothing. */
export class DemoNotifier implements Notifier {
  readonly name = "demo (embedded mode and tests only; sends nothing)";
  readonly sent: Array<{ phoneMasked: string; text: string }> = [];
  async notify(notice: Notice): Promise<void> {
    this.sent.push({ phoneMasked: maskPhone(notice.phone), text: notice.text });
    if (this.sent.length > 1000) this.sent.shift();
  }
}

/** The demo notifier this process uses when no SMS provider is configured. */
export const demoNotifier = new DemoNotifier();

/** HEALTH_CODE_SMS_URL names the SMS provider; production refuses to start without one. */
export function notifierFromEnv(env: NodeJS.ProcessEnv): Notifier {
  const url = urlFromEnv(env, "HEALTH_CODE_SMS_URL");
  if (url) return httpSmsNotifier(url, optionalEnv(env, "HEALTH_CODE_SMS_KEY"));
  if (env.NODE_ENV === "production") throw new ConfigError("HEALTH_CODE_SMS_URL is required in production: the SMS provider that sends pop-up notices.");
  return demoNotifier;
}
