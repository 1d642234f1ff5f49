import { describe, expect, it } from 'vitest';
import { FlowGate } from './flow.js';

describe('FlowGate', () => {
  it('pauses once a reader is more than `high` bytes behind, and says so once', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    expect(gate.sent('a', 60)).toBeNull();
    expect(gate.sent('a', 40)).toBeNull(); // exactly high: not yet
    expect(gate.isPaused).toBe(false);
    expect(gate.sent('a', 1)).toBe('pause');
    expect(gate.isPaused).toBe(true);
    expect(gate.sent('a', 50)).toBeNull(); // already paused
    expect(gate.isPaused).toBe(true);
  });

  it('acks below high are not enough: it resumes only at or under `low`', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    expect(gate.sent('a', 150)).toBe('pause');
    expect(gate.acked('a', 100)).toBeNull(); // 50 behind: under high, over low
    expect(gate.isPaused).toBe(true);
    expect(gate.acked('a', 29)).toBeNull(); // 21
    expect(gate.acked('a', 1)).toBe('resume'); // 20
    expect(gate.isPaused).toBe(false);
    expect(gate.acked('a', 20)).toBeNull(); // nothing to resume
  });

  it('resumes only when ALL readers are below low', () => {
    const gate = new FlowGate(100, 20);
    gate.add('fast');
    gate.add('slow');
    gate.sent('fast', 101);
    expect(gate.sent('slow', 101)).toBeNull(); // the first one paused already
    expect(gate.isPaused).toBe(true);
    expect(gate.acked('fast', 101)).toBeNull();
    expect(gate.isPaused).toBe(true);
    expect(gate.acked('slow', 90)).toBe('resume');
    expect(gate.isPaused).toBe(false);
  });

  it('one slow reader pauses the source for everyone', () => {
    const gate = new FlowGate(100, 20);
    gate.add('fast');
    gate.add('slow');
    let paused = false;
    for (let i = 0; i < 10 && !paused; i++) {
      paused = gate.sent('fast', 30) === 'pause' || paused;
      paused = gate.sent('slow', 30) === 'pause' || paused;
      gate.acked('fast', 30);
    }
    expect(paused).toBe(true);
    expect(gate.isPaused).toBe(true);
  });

  it('removing the slow reader resumes the source', () => {
    const gate = new FlowGate(100, 20);
    gate.add('fast');
    gate.add('slow');
    gate.sent('fast', 10);
    expect(gate.sent('slow', 500)).toBe('pause');
    expect(gate.remove('slow')).toBe('resume');
    expect(gate.isPaused).toBe(false);
  });

  it('removing a reader while another is still far behind does not resume', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    gate.add('b');
    gate.sent('a', 500);
    gate.sent('b', 500);
    expect(gate.remove('a')).toBeNull();
    expect(gate.isPaused).toBe(true);
    expect(gate.remove('b')).toBe('resume');
  });

  it('removing the last reader resumes (nobody is behind)', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    gate.sent('a', 500);
    expect(gate.remove('a')).toBe('resume');
    expect(gate.remove('a')).toBeNull(); // twice: nothing to do
  });

  it('ignores acks from unknown readers', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    gate.sent('a', 500);
    expect(gate.acked('nobody', 10_000)).toBeNull();
    expect(gate.isPaused).toBe(true);
    // And did not register it as a reader either: a's ack alone resumes.
    expect(gate.acked('a', 500)).toBe('resume');
  });

  it('acks beyond what was sent do not bank credit', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    gate.acked('a', 10_000);
    expect(gate.sent('a', 101)).toBe('pause');
  });

  it('re-adding a reader resets what it owes', () => {
    const gate = new FlowGate(100, 20);
    gate.add('a');
    gate.sent('a', 90);
    gate.add('a');
    expect(gate.sent('a', 90)).toBeNull();
    expect(gate.isPaused).toBe(false);
  });
});

describe('FlowGate: who holds it', () => {
  it('names the readers over high, and when the pause began', () => {
    const gate = new FlowGate(100, 20);
    gate.add('fast');
    gate.add('stalled');
    expect(gate.pausedAt).toBe(0);
    gate.sent('fast', 150);
    expect(gate.sent('stalled', 150)).toBeNull(); // already paused by fast
    expect(gate.pausedAt).toBeGreaterThan(0);
    expect(gate.behindReaders().sort()).toEqual(['fast', 'stalled']);
    gate.acked('fast', 150);
    expect(gate.behindReaders()).toEqual(['stalled']);
    expect(gate.remove('stalled')).toBe('resume');
    expect(gate.pausedAt).toBe(0);
  });
});
