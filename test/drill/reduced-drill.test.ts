/**
 * The reduced fault drill CI runs after the integration suites, on the same network: under load, a Raft follower, a
 * peer and a gatekeeper are killed and restarted one at a time; nothing the clients saw committed may be lost, the
 * peers must agree, and writes must resume within 10 s. `npm run drill` runs the full list.
 */
import { expect } from 'chai';
import { runDrill } from '../../drill/fault-drill';
import { reducedDrill } from '../../drill/faults';
import { consortium } from '../integration/support/shared-network';

describe('fault drill (reduced) on the real network', function () {
  it('loses nothing the clients saw committed when an orderer, a peer and a gatekeeper are killed under load', async function () {
    const report = await runDrill({
      consortium: consortium(),
      faults: reducedDrill(),
      workers: 2,
      pauseMs: 300,
      faultSeconds: 4,
      onProgress: (message) => {
        process.stdout.write(`      · ${message}\n`);
      },
    });
    for (const fault of report.faults) {
      process.stdout.write(
        `      ${fault.fault}: next commit ${String(fault.msToNextCommit)} ms, lost ${String(fault.lost.length)}, ` +
          `errors ${JSON.stringify(fault.errors)}\n`,
      );
    }
    expect(report.faults.map((f) => f.fault)).to.have.length(3);
    for (const fault of report.faults) {
      expect(fault.committed, `${fault.fault}: the load kept committing`).to.be.above(0);
      expect(fault.lost, `${fault.fault}: transactions lost`).to.deep.equal([]);
      expect(fault.problems, fault.fault).to.deep.equal([]);
    }
    expect(report.passed).to.equal(true);
  });
});
