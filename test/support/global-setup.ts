import { freePort } from '../../libs/stack/src/ports.js';

export default async function globalSetup(): Promise<void> {
  const p = await freePort();
  console.log('port', p, typeof module);
}
