import { describe, expect, it } from 'vitest';
import { duplicateMember } from '../../src/net/json-members.js';

describe('duplicateMember', () => {
  it('finds a member given twice in one object, at any depth, naming its path', () => {
    expect(duplicateMember('{"from":"+358","to":"2001","from":"+1"}')).toBe('body.from');
    expect(duplicateMember('{"metadata":{"custID":"1","custID":"2"}}')).toBe('body.metadata.custID');
    expect(duplicateMember('{"IVRInfo":[{"Label":"a"},{"Label":"b","Label":"c"}]}', '(root)')).toBe('(root).IVRInfo[].Label');
    // Escapes name the same member: \u0061 is "a".
    expect(duplicateMember('{"a":1,"\\u0061":2}')).toBe('body.a');
  });

  it('lets the same name appear in different objects, as a value, or in nested arrays', () => {
    expect(duplicateMember('{"a":{"x":1},"b":{"x":2},"c":["a","a"],"d":"a"}')).toBeUndefined();
    expect(duplicateMember('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(duplicateMember('"text"')).toBeUndefined();
  });

  it('reads any nesting without recursion', () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    expect(duplicateMember(deep)).toBeUndefined();
  });
});
