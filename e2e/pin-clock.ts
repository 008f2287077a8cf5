/** Writes the pinned e2e "today" into this server's clock file and prints its path (scripts/test-all.sh seeds with it). */
import { clockFile, resetServerClock } from "./clock";

resetServerClock();
process.stdout.write(`${clockFile}\n`);
