import { it, expect } from '@jest/globals';
it('x', () => expect(1).toBe(1));
