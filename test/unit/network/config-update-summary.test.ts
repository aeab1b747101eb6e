import { expect } from 'chai';
import {
  batchingChanges,
  describeChanges,
  onlyAddsMember,
  onlyAdjustsBatching,
  onlyChangesBatching,
  onlyRemovesMember,
  removedMembers,
  summariseConfigUpdate,
} from '../../../network/src/config-update-summary';

const member = (version: string): Record<string, unknown> => ({ groups: {}, values: {}, policies: {}, version });

/** A decoded update as configtxlator compute_update writes one that adds Hospital3MSP to the application group. */
function addHospital3(): { read_set: Record<string, unknown>; write_set: Record<string, unknown> } {
  const existing = { Hospital1MSP: member('0'), Hospital2MSP: member('0'), ResearchMSP: member('0') };
  return {
    read_set: { groups: { Application: { groups: existing, version: '1', mod_policy: '' } }, version: '0' },
    write_set: {
      groups: {
        Application: {
          groups: {
            ...existing,
            Hospital3MSP: {
              groups: {},
              values: { MSP: { version: '0', mod_policy: 'Admins', value: {} } },
              policies: { Admins: { version: '0', mod_policy: 'Admins', policy: {} } },
              version: '0',
              mod_policy: 'Admins',
            },
          },
          version: '2',
          mod_policy: 'Admins',
        },
      },
      version: '0',
    },
  };
}

/** An update removing Hospital3MSP as compute_update writes it: the application group, at a new version, lists the
 * members it keeps; neither set names the one removed. */
function removeHospital3(): { read_set: Record<string, unknown>; write_set: Record<string, unknown> } {
  const kept = { Hospital1MSP: member('0'), Hospital2MSP: member('0'), ResearchMSP: member('0') };
  return {
    read_set: { groups: { Application: { groups: kept, version: '2', mod_policy: '' } }, version: '0' },
    write_set: { groups: { Application: { groups: kept, version: '3', mod_policy: 'Admins' } }, version: '0' },
  };
}

const MEMBERS = ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP', 'ResearchMSP'];

describe('what a configuration update changes, before an admin signs it', () => {
  it('reads a removed member against the current members, and tells a removal from an addition', () => {
    const update = removeHospital3();
    const changes = [...summariseConfigUpdate(update), ...removedMembers(update, MEMBERS)];
    expect(describeChanges(changes)).to.equal(
      'modifies /Channel/Application; removes /Channel/Application/Hospital3MSP',
    );
    expect(onlyRemovesMember(changes, 'Hospital3MSP')).to.equal(true);
    expect(onlyRemovesMember(changes, 'Hospital2MSP')).to.equal(false);
    expect(onlyAddsMember(changes, 'Hospital3MSP')).to.equal(false);
    // Against members that no longer include it, the same update removes nothing.
    expect(removedMembers(update, ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP'])).to.deep.equal([]);
    // An addition removes nobody; a removal of two is not "only" one.
    const added = addHospital3();
    expect(removedMembers(added, ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP'])).to.deep.equal([]);
    const both = [...summariseConfigUpdate(update), ...removedMembers(update, [...MEMBERS, 'Hospital4MSP'])];
    expect(onlyRemovesMember(both, 'Hospital3MSP')).to.equal(false);
    expect(removedMembers({}, MEMBERS)).to.deep.equal([]);
    // Two changes, but not the removal's two: the removal beside another group's change, or beside a second removal.
    const removal = { kind: 'removes', path: '/Channel/Application/Hospital3MSP' } as const;
    expect(onlyRemovesMember([{ kind: 'modifies', path: '/Channel/Orderer' }, removal], 'Hospital3MSP')).to.equal(
      false,
    );
    expect(onlyRemovesMember([{ kind: 'adds', path: '/Channel/Application' }, removal], 'Hospital3MSP')).to.equal(
      false,
    );
    const twoRemovals = [{ kind: 'removes', path: '/Channel/Application/Hospital2MSP' } as const, removal];
    expect(onlyRemovesMember(twoRemovals, 'Hospital3MSP')).to.equal(false);
  });

  it('reads an added member as the new group and the application group’s version', () => {
    const changes = summariseConfigUpdate(addHospital3());
    expect(describeChanges(changes)).to.equal('modifies /Channel/Application; adds /Channel/Application/Hospital3MSP');
    expect(onlyAddsMember(changes, 'Hospital3MSP')).to.equal(true);
    expect(onlyAddsMember(changes, 'Hospital4MSP')).to.equal(false);
  });

  it('refuses an "add hospital3" that also changes a policy, a value or another member', () => {
    const withPolicy = addHospital3();
    const application = (withPolicy.write_set.groups as Record<string, Record<string, unknown>>).Application;
    const readApplication = (withPolicy.read_set.groups as Record<string, Record<string, unknown>>).Application;
    if (application === undefined || readApplication === undefined) throw new Error('fixture without Application');
    readApplication.policies = { Admins: { version: '0' } };
    application.policies = { Admins: { version: '1', mod_policy: 'Admins', policy: {} } };
    const changes = summariseConfigUpdate(withPolicy);
    expect(describeChanges(changes)).to.contain('modifies /Channel/Application/Policies/Admins');
    expect(onlyAddsMember(changes, 'Hospital3MSP')).to.equal(false);

    const withValue = addHospital3();
    (withValue.write_set as { values?: unknown }).values = { BatchTimeout: { version: '0' } };
    expect(describeChanges(summariseConfigUpdate(withValue))).to.contain('adds /Channel/Values/BatchTimeout');
    expect(onlyAddsMember(summariseConfigUpdate(withValue), 'Hospital3MSP')).to.equal(false);

    const withMember = addHospital3();
    const groups = (
      (withMember.write_set.groups as Record<string, Record<string, unknown>>).Application as {
        groups: Record<string, unknown>;
      }
    ).groups;
    groups.Hospital1MSP = member('1');
    expect(describeChanges(summariseConfigUpdate(withMember))).to.contain('modifies /Channel/Application/Hospital1MSP');
    expect(onlyAddsMember(summariseConfigUpdate(withMember), 'Hospital3MSP')).to.equal(false);
  });

  it('refuses what is not an update', () => {
    expect(() => summariseConfigUpdate({})).to.throw('not a configuration update');
    expect(() => summariseConfigUpdate(undefined)).to.throw('not a configuration update');
    expect(describeChanges([])).to.equal('changes nothing');
  });

  describe('a change of the batching parameters', () => {
    const BATCH_SIZE = { max_message_count: 100, absolute_max_bytes: 10485760, preferred_max_bytes: 2097152 };
    /** The channel config as fetched: the orderer group's batching values. */
    const current = {
      channel_group: {
        groups: {
          Orderer: {
            values: {
              BatchTimeout: { version: '0', value: { timeout: '500ms' } },
              BatchSize: { version: '0', value: BATCH_SIZE },
            },
          },
        },
      },
    };
    /** As compute_update writes it: changed values at version + 1 in the write set only, the group at its version. */
    function update(values: Record<string, unknown>): Record<string, unknown> {
      return {
        read_set: { groups: { Orderer: { version: '0', values: {} } }, version: '0' },
        write_set: { groups: { Orderer: { version: '0', values } }, version: '0' },
      };
    }

    it('reads a changed value as modified (not added), and shows each field that differs', () => {
      const proposal = update({
        BatchTimeout: { version: '1', mod_policy: 'Admins', value: { timeout: '250ms' } },
        BatchSize: { version: '1', mod_policy: 'Admins', value: { ...BATCH_SIZE, max_message_count: 50 } },
      });
      const changes = summariseConfigUpdate(proposal);
      expect(describeChanges(changes)).to.equal(
        'modifies /Channel/Orderer/Values/BatchTimeout; modifies /Channel/Orderer/Values/BatchSize',
      );
      expect(onlyChangesBatching(changes)).to.equal(true);
      expect(batchingChanges(proposal, current)).to.deep.equal([
        { field: 'BatchTimeout.timeout', from: '500ms', to: '250ms' },
        { field: 'BatchSize.max_message_count', from: 100, to: 50 },
      ]);
      expect(onlyAdjustsBatching(changes, batchingChanges(proposal, current))).to.equal(true);
      expect(onlyChangesBatching(summariseConfigUpdate(update({})))).to.equal(false);
    });

    it('names a block size change beyond what the command adjusts, so --expect-ordering refuses it', () => {
      const proposal = update({
        BatchSize: { version: '1', value: { ...BATCH_SIZE, max_message_count: 50, absolute_max_bytes: 1 } },
      });
      const batching = batchingChanges(proposal, current);
      expect(batching.map((change) => change.field)).to.deep.equal([
        'BatchSize.max_message_count',
        'BatchSize.absolute_max_bytes',
      ]);
      expect(onlyChangesBatching(summariseConfigUpdate(proposal))).to.equal(true);
      expect(onlyAdjustsBatching(summariseConfigUpdate(proposal), batching)).to.equal(false);
    });

    it('is not only batching when it also touches a policy or adds a value', () => {
      const proposal = update({ BatchTimeout: { version: '1', value: { timeout: '250ms' } } });
      const orderer = (proposal.write_set as { groups: { Orderer: Record<string, unknown> } }).groups.Orderer;
      orderer.policies = { Admins: { version: '1', policy: {} } };
      expect(onlyChangesBatching(summariseConfigUpdate(proposal))).to.equal(false);
      const added = update({
        BatchTimeout: { version: '1', value: { timeout: '250ms' } },
        KafkaBrokers: { version: '0', value: { brokers: [] } },
      });
      const changes = summariseConfigUpdate(added);
      expect(describeChanges(changes)).to.contain('adds /Channel/Orderer/Values/KafkaBrokers');
      expect(onlyChangesBatching(changes)).to.equal(false);
    });
  });
});
