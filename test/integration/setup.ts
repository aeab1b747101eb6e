import { closeHeightProbes } from './support/medrec-client';
import { consortium, networkHealthy } from './support/shared-network';

/** Root hooks: start the real network once for all integration suites (or reuse it when it is already healthy). */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(30 * 60_000);
    if (await networkHealthy()) {
      console.log('reusing the running MedRec network');
      return;
    }
    console.log('starting the MedRec network (first run builds Fabric from Go modules: a few minutes)');
    await consortium().up();
  },
  afterAll(): void {
    closeHeightProbes();
  },
};
