import { expect } from 'chai';
import { CommandError, runCommand } from '../../../network/src/command';
import { nodeOuConfig } from '../../../network/src/msp';

describe('runCommand', function () {
  it('resolves with stdout and reports every line', async function () {
    const lines: string[] = [];
    const out = await runCommand(process.execPath, ['-e', 'console.log("a"); console.error("b"); console.log("c")'], {
      step: 'echo',
      onLine: (line) => lines.push(line),
    });
    expect(out).to.equal('a\nc');
    expect(lines).to.have.members(['a', 'b', 'c']);
  });

  it('fails with the step, the command line, the exit code and the output tail', async function () {
    const err = await runCommand(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'], {
      step: 'explode',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    const error = err as CommandError;
    expect(error.step).to.equal('explode');
    expect(error.exitCode).to.equal(3);
    expect(error.message).to.contain('explode failed').and.contain(process.execPath).and.contain('boom');
  });

  it('fails clearly when the program does not exist', async function () {
    const err = (await runCommand('/nonexistent/tool', [], { step: 'missing' }).catch(
      (e: unknown) => e,
    )) as CommandError;
    expect(err).to.be.instanceOf(CommandError);
    expect(err.exitCode).to.equal(null);
    expect(err.message).to.contain('/nonexistent/tool');
  });
});

describe('NodeOUs configuration', function () {
  it('maps client, peer, admin and orderer OUs to the organisation CA', function () {
    const yaml = nodeOuConfig('cacerts/ca.pem');
    expect(yaml).to.contain('Enable: true');
    for (const ou of ['client', 'peer', 'admin', 'orderer'])
      expect(yaml).to.contain(`OrganizationalUnitIdentifier: ${ou}`);
  });
});
