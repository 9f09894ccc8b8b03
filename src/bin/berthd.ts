// Entry point of the daemon executable (bin/berthd).
import { main } from '../daemon/main.ts';

process.exitCode = await main(process.argv.slice(2));
