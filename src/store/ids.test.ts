import { describe, expect, it } from 'vitest';
import { idFloor, idTime, newId } from './ids.ts';

describe('newId', () => {
  it('is 16 base36 chars that encode the creation time', () => {
    const id = newId(1_717_171_717_171);
    expect(id).toMatch(/^[0-9a-z]{16}$/);
    expect(idTime(id)).toBe(1_717_171_717_171);
  });

  it('sorts by creation time, and by creation order within one millisecond', () => {
    const ids = [newId(1000), newId(1000), newId(1000), newId(1001), newId(2_000_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const many = Array.from({ length: 5000 }, () => newId(42));
    expect([...many].sort()).toEqual(many);
    expect(new Set(many).size).toBe(5000);
  });

  it('bounds time windows: ids made at or after t are >= idFloor(t), earlier ones are below', () => {
    const t = 1_800_000_000_000;
    expect(newId(t) >= idFloor(t)).toBe(true);
    expect(newId(t + 1) >= idFloor(t)).toBe(true);
    expect(newId(t - 1) < idFloor(t)).toBe(true);
    expect(newId(t) < idFloor(t + 1)).toBe(true);
  });
});
