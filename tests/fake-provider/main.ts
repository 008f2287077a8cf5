/** Runs the fake provider standalone (e2e, manual tries): PORT=3299 tsx tests/fake-provider/main.ts */
import { startFakeProvider } from "./server";

const port = Number(process.env.FAKE_PROVIDER_PORT ?? process.env.PORT ?? 3299);
const fake = await startFakeProvider({
  port,
  openaiKey: process.env.FAKE_OPENAI_KEY,
  anthropicKey: process.env.FAKE_ANTHROPIC_KEY,
});
console.log(
  `fake provider on ${fake.url} (openai ${fake.openaiBase}, anthropic ${fake.anthropicBase})`,
);
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
