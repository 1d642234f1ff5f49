import type { ClusterMember } from '../../../../shared/servers.js';
import { memberLoadText, memoryShare } from '../../lib/cluster-format.js';
import { MemberStatusBadge } from './MemberStatusBadge.js';

/** A cluster's members: status, Incus's message, roles, load and how many agents each runs. */
export function ClusterMembers({ server, members }: { server: string; members: readonly ClusterMember[] }) {
  return (
    <table className="cluster-members" data-testid="cluster-members" data-server={server}>
      <caption className="sr-only">Members of the cluster {server}</caption>
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Status</th>
          <th scope="col">Load</th>
          <th scope="col">Memory</th>
          <th scope="col">Agents</th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => (
          <MemberRow key={member.name} member={member} />
        ))}
      </tbody>
    </table>
  );
}

function MemberRow({ member }: { member: ClusterMember }) {
  const load = memberLoadText(member.load);
  const share = memoryShare(member.load);
  return (
    <tr data-testid="cluster-member" data-member={member.name} data-status={member.status}>
      <th scope="row">
        <span className="member-name mono">{member.name}</span>
        {member.roles.length > 0 && <span className="member-roles">{member.roles.join(', ')}</span>}
      </th>
      <td>
        <MemberStatusBadge status={member.status} />
        {member.message && <span className="member-message">{member.message}</span>}
      </td>
      <td className="member-num">{load ? load.cpu : <span className="field-hint">no answer</span>}</td>
      <td className="member-num">
        {load ? (
          <>
            {load.memory}
            {share !== null && (
              <span className="member-bar" aria-hidden="true">
                <span style={{ width: `${Math.round(share * 100)}%` }} />
              </span>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="member-num">{member.agents}</td>
    </tr>
  );
}
