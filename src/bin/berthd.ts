// Entry point of the daemon executable (bin/berthd).
import { main } from '../daemon/main.ts';

// Once main returns the daemon is done: watches on running containers (their exits, their log
// sizes) must not keep the process alive, so it ends here rather than when the loop drains.
process.exit(await main(process.argv.slice(2)));
