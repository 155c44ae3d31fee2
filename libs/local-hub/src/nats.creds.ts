import { connect } from '@nats-io/transport-node';
import { inboxPrefixOf, request, type NatsAuth } from '#bus';
import { REQUESTS } from '#contracts';
import { reloadNatsServer } from '#stack';
import { eventually } from './demo-exchange.js';
import {
  issueAgencySystemUser,
  localNatsAdmin,
  natsPidFile,
  natsUsersConf,
  writeNatsUsersConf,
} from './nats.users.js';
import { withBus } from './registry.bootstrap.js';

/** What an agency system needs to connect to the axis's NATS (written by `docaxis nats-creds`). */
export interface AgencyNatsCredentials {
  natsUrl: string;
  user: string;
  password: string;
  /** nats.js `inboxPrefix`: the only inbox the user may read. */
  inboxPrefix: string;
  /** The agencies it may call as (dx.agency.<agency>.>), from the registry. */
  agencies: string[];
}

const PAGE = 5000;

/** The live agencies registered under `systemId` in the axis's registry. */
async function agenciesOf(natsUrl: string, admin: NatsAuth, systemId: string): Promise<string[]> {
  return withBus(
    natsUrl,
    'docaxis-nats-creds',
    async (nc) => {
      const out: string[] = [];
      let after: string | undefined;
      do {
        const page = await request(nc, REQUESTS.registryList.subject, {
          systemId,
          limit: PAGE,
          ...(after ? { after } : {}),
        });
        for (const a of page.agencies) if (a.systemId === systemId && !a.deleted) out.push(a.organId);
        after = page.next;
      } while (after);
      return out;
    },
    admin,
  );
}

/**
 * Issues (or re-issues, with a new password) the NATS user of an agency system at an axis the local stack
 * runs in `axisStateDir`: allowed to call only as the system's agencies in the registry now, and to read only
 * its own inbox. Rewrites the server's users list and reloads it (SIGHUP), then checks the user connects.
 */
export async function issueAgencyNatsCredentials(
  axisStateDir: string,
  natsUrl: string,
  systemId: string,
): Promise<AgencyNatsCredentials> {
  const admin = localNatsAdmin(axisStateDir);
  if (!admin) {
    throw new Error(
      `no nats-server started by docaxis in ${axisStateDir}: for a server of your own, add the user to its ` +
        'configuration (see "NATS permissions" in the README) and reload it',
    );
  }
  const agencies = await agenciesOf(natsUrl, admin, systemId);
  if (!agencies.length) throw new Error(`no agencies are registered under system ${systemId}`);
  const { users, auth } = issueAgencySystemUser(axisStateDir, systemId, agencies);
  writeNatsUsersConf(natsUsersConf(axisStateDir), users);
  if (!reloadNatsServer(natsPidFile(axisStateDir))) {
    throw new Error(
      `the nats-server of ${axisStateDir} is not running: start it (docaxis up) and run this again`,
    );
  }
  await eventually(
    () =>
      connect({ servers: natsUrl, user: auth.user, pass: auth.pass, reconnect: false })
        .then((nc) => nc.close().then(() => true))
        .catch(() => null),
    `the nats-server to load the user ${auth.user}`,
    10_000,
  );
  return { natsUrl, user: auth.user, password: auth.pass, inboxPrefix: inboxPrefixOf(auth.user), agencies };
}
