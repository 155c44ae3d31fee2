#!/usr/bin/env node
// The hostile storm, as its own process so it does not share the good load's CPU in the test process:
// malformed (signed), unsigned and oversized sendEdoc requests from `loops` loops for `seconds`. Prints the
// refusals per error code and how many were accepted (must be none) as one JSON line. Needs `npm run build`.
// Usage: node test/faults/hostile-storm.mjs '{"gatewayUrl":…,"systemId":…,"secret":…,"from":…,"maxBytes":…,"seconds":…,"loops":…}'
import { Buffer } from 'node:buffer';
import { DocaxisClient } from '#sdk-client';

const o = JSON.parse(process.argv[2]);
const client = new DocaxisClient({ baseUrl: o.gatewayUrl, systemId: o.systemId, secret: o.secret });
const refused = {};
let accepted = 0;
const kinds = [
  () => client.sendEdoc(Buffer.from('<edXML:Envelope><oops'), { from: o.from, messageType: 'edoc' }),
  () =>
    client
      .call('sendEdoc', { body: Buffer.from('<x/>'), unsigned: true })
      .then(({ answer }) => (answer.status === 'FAIL' ? Promise.reject(answer) : answer)),
  () => client.sendEdoc(Buffer.alloc(o.maxBytes + 1, 0x41), { from: o.from, messageType: 'edoc' }),
];
const end = Date.now() + o.seconds * 1000;
const loop = async (send) => {
  while (Date.now() < end) {
    try {
      await send();
      accepted++;
    } catch (e) {
      const code = e?.code ?? e?.ErrorCode ?? 'ERROR';
      refused[code] = (refused[code] ?? 0) + 1;
    }
  }
};
await Promise.all(Array.from({ length: o.loops }, (_, i) => loop(kinds[i % kinds.length])));
process.stdout.write(`${JSON.stringify({ refused, accepted })}\n`);
