import { main } from "../cli/main";

/**
 * One sso-access command line, measured in this process: its output goes where the caller sends it (the bench sends
 * it nowhere), and at exit one JSON line on standard error gives the wall time and the peak resident memory.
 */
process.on("exit", () => {
  // performance.now() counts from the start of the process: start-up included, as for the other commands.
  const seconds = performance.now() / 1000;
  process.stderr.write(`\n${JSON.stringify({ seconds, rssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
});
main(process.argv.slice(2));
