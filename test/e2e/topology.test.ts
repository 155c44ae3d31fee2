// The topology end to end with the SDK-HTTP connector driver (the scenario: topology.scenario.ts).
import { describeTopology } from './topology.scenario.js';

describeTopology('sdk-http');
