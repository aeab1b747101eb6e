import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Layout } from '../../../network/src/layout';
import { commandOnHost, readSimulatedHosts, sharedSubnet } from '../../../network/src/simulated-hosts';

describe('simulated hosts', function () {
  describe('sharedSubnet', function () {
    it('takes IPv4 hosts of one /24 and names it', function () {
      expect(sharedSubnet(['10.177.0.1', '10.177.0.2', '10.177.0.2'])).to.equal('10.177.0');
    });

    it('refuses hosts of two subnets, DNS names, the bridge address and none at all, naming each', function () {
      expect(() => sharedSubnet(['10.177.0.1', '10.178.0.2'])).to.throw('put them in one /24');
      expect(() => sharedSubnet(['hospital1.example.org'])).to.throw('is not an IPv4 address');
      expect(() => sharedSubnet(['10.177.0.254'])).to.throw(".254 is the bridge's");
      expect(() => sharedSubnet(['10.177.0.0'])).to.throw('cannot be a host');
      expect(() => sharedSubnet([])).to.throw('no hosts to simulate');
    });
  });

  describe('commandOnHost', function () {
    let home: string;
    beforeEach(function () {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-hosts-'));
    });
    afterEach(function () {
      fs.rmSync(home, { recursive: true, force: true });
    });

    it("runs a recorded host's process inside its namespace and any other host's as given", function () {
      const layout = new Layout(home);
      fs.writeFileSync(
        layout.simulatedHostsFile,
        JSON.stringify({ bridge: 'mrabcdefbr', hosts: [{ host: '10.177.0.1', namespace: 'mrabcdef-h1' }] }),
      );
      const inside = commandOnHost(layout, '10.177.0.1', '/bin/peer', ['node', 'start']);
      expect(inside.command).to.match(/(^|\/)ip$/);
      expect(inside.args).to.deep.equal(['netns', 'exec', 'mrabcdef-h1', '/bin/peer', 'node', 'start']);
      expect(commandOnHost(layout, '10.177.0.2', '/bin/peer', ['node', 'start'])).to.deep.equal({
        command: '/bin/peer',
        args: ['node', 'start'],
      });
    });

    it('runs everything as given when no hosts are simulated', function () {
      const layout = new Layout(home);
      expect(readSimulatedHosts(layout)).to.equal(undefined);
      expect(commandOnHost(layout, '127.0.0.1', 'node', ['x'])).to.deep.equal({ command: 'node', args: ['x'] });
    });

    it('refuses a record whose namespace name could smuggle an option into ip', function () {
      const layout = new Layout(home);
      fs.writeFileSync(
        layout.simulatedHostsFile,
        JSON.stringify({ bridge: 'mrabcdefbr', hosts: [{ host: '10.177.0.1', namespace: '--all' }] }),
      );
      expect(() => commandOnHost(layout, '10.177.0.1', 'node', [])).to.throw('is not a simulated-hosts record');
    });
  });
});
