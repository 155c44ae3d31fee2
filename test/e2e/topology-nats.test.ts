// The topology end to end with the NATS connector driver: each province's nats-server is a leafnode of the
// national one through its link relay, the national axis runs the axis link, and `docaxis link cut` cuts the
// leafnode (the scenario: topology.scenario.ts).
import { describeTopology } from './topology.scenario.js';

describeTopology('nats');
