import { describe, expect, it } from '@jest/globals';
import { databaseUrl } from './postgres.js';

describe('databaseUrl', () => {
  it('swaps only the database of a connection URL', () => {
    expect(databaseUrl('postgres://u:p%40ss@127.0.0.1:5555/postgres?sslmode=disable', 'docs_1')).toBe(
      'postgres://u:p%40ss@127.0.0.1:5555/docs_1?sslmode=disable',
    );
  });
});
