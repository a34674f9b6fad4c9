// The room's board as data: what it keeps of a status post, and the bounds on
// everything an attendee's machine sends (name, exercises, hops, attendees, rate).
import { describe, expect, it } from 'vitest';
import { isRoomName, parseStatusPost, roomBounds, RoomBoard } from '../../src/labs/room-board.js';
import type { StatusPost } from '../../src/labs/room-protocol.js';
import { createHash } from 'node:crypto';

/** An id as a lab makes one (32 hex digits), the same for the same seed. */
const idOf = (seed: string) => createHash('md5').update(seed).digest('hex');

const exercises = [
  { id: 'go-propagator', title: 'Go' },
  { id: 'python-thread', title: 'Python' },
];
const ids = exercises.map((e) => e.id);
const body = (value: unknown) => JSON.stringify(value);

describe('parseStatusPost', () => {
  it('keeps a name, known exercises, states and hops', () => {
    const post = parseStatusPost(
      body({
        id: idOf('Ann'),
        name: ' Ann Lee ',
        exercises: [
          { exercise: 'go-propagator', state: 'broken', hop: 'polytrace → api-gateway' },
          { exercise: 'python-thread', state: 'fixed', hop: 'dropped when fixed' },
        ],
      }),
      ids,
    );
    expect(post).toEqual({
      id: idOf('Ann'),
      name: 'Ann Lee',
      exercises: [
        { exercise: 'go-propagator', state: 'broken', hop: 'polytrace → api-gateway' },
        { exercise: 'python-thread', state: 'fixed' },
      ],
    });
  });

  it.each([
    ['not JSON', '{'],
    ['no id', body({ name: 'Ann', exercises: [] })],
    ['an id not made by a lab', body({ id: 'ann', name: 'Ann', exercises: [] })],
    ['markup in a name', body({ id: idOf('x'), name: '<script>x</script>', exercises: [] })],
    ['a name too long', body({ id: idOf('x'), name: 'a'.repeat(roomBounds.nameLength + 1), exercises: [] })],
    ['an empty name', body({ id: idOf('x'), name: '  ', exercises: [] })],
    ['an unknown exercise', body({ id: idOf('x'), name: 'Ann', exercises: [{ exercise: 'rm -rf', state: 'fixed' }] })],
    [
      'an unknown state',
      body({ id: idOf('x'), name: 'Ann', exercises: [{ exercise: 'go-propagator', state: 'done' }] }),
    ],
    [
      'a hop too long',
      body({
        id: idOf('x'),
        name: 'Ann',
        exercises: [{ exercise: 'go-propagator', state: 'broken', hop: 'x'.repeat(121) }],
      }),
    ],
    [
      'a control character in a hop',
      body({
        id: idOf('x'),
        name: 'Ann',
        exercises: [{ exercise: 'go-propagator', state: 'broken', hop: 'a\u001b[2Jb' }],
      }),
    ],
    ['more statuses than exercises', body({ id: idOf('x'), name: 'Ann', exercises: [1, 2, 3].map(() => ({})) })],
    ['code instead of a list', body({ id: idOf('x'), name: 'Ann', exercises: 'package main' })],
  ])('refuses %s', (_what, text) => {
    expect(typeof parseStatusPost(text, ids)).toBe('string');
  });

  it('takes names in any script, up to the bound', () => {
    expect(isRoomName('Zoë Ødegård')).toBe(true);
    expect(isRoomName('李雷')).toBe(true);
    expect(isRoomName('a'.repeat(roomBounds.nameLength))).toBe(true);
    expect(isRoomName('Ann"><img')).toBe(false);
  });
});

describe('RoomBoard', () => {
  const post = (name: string, exercises: StatusPost['exercises'] = []): StatusPost => ({
    id: idOf(name),
    name,
    exercises,
  });
  const rows = (board: RoomBoard) => board.state().attendees.map(({ key: _, ...row }) => row);

  it('shows attendee × exercise, the newest state of each cell', () => {
    const board = new RoomBoard(exercises);
    expect(
      board.apply(post('Bo', [{ exercise: 'go-propagator', state: 'broken', hop: 'polytrace → api-gateway' }]), 0),
    ).toEqual({ ok: true });
    board.apply(post('Ann'), 0);
    board.apply(post('Bo', [{ exercise: 'go-propagator', state: 'fixed' }]), 1000);
    const state = board.state();
    expect(state.exercises.map((e) => e.id)).toEqual(ids);
    expect(rows(board)).toEqual([
      { name: 'Ann', cells: {} },
      { name: 'Bo', cells: { 'go-propagator': { state: 'fixed' } } },
    ]);
    expect(state.version).toBe(3);
  });

  it('keeps two attendees of the same name apart, by the id each lab keeps; the newest name shows', () => {
    const board = new RoomBoard(exercises);
    const [one, two] = [idOf('laptop one'), idOf('laptop two')];
    board.apply({ id: one, name: 'Sam', exercises: [{ exercise: 'go-propagator', state: 'fixed' }] }, 0);
    board.apply({ id: two, name: 'Sam', exercises: [{ exercise: 'go-propagator', state: 'broken', hop: 'h' }] }, 0);
    const attendees = board.state().attendees;
    expect(attendees.map((a) => a.name)).toEqual(['Sam', 'Sam']);
    expect(new Set(attendees.map((a) => a.key)).size).toBe(2);
    expect(attendees.map((a) => a.cells['go-propagator']?.state).sort()).toEqual(['broken', 'fixed']);
    // The row's key is not the id the attendee posts with.
    expect(JSON.stringify(board.state())).not.toContain(one);
    board.apply({ id: one, name: 'Sam Lee', exercises: [] }, 1000);
    expect(board.state().attendees.map((a) => a.name)).toEqual(['Sam', 'Sam Lee']);
  });

  it(`holds at most ${roomBounds.attendees} attendees`, () => {
    const board = new RoomBoard(exercises);
    for (let i = 0; i < roomBounds.attendees; i++) expect(board.apply(post(`a${i}`), 0).ok).toBe(true);
    expect(board.apply(post('one more'), 0)).toMatchObject({ ok: false, status: 507 });
    // Those already in can still post.
    expect(board.apply(post('a0'), 0).ok).toBe(true);
    expect(board.state().attendees).toHaveLength(roomBounds.attendees);
  });

  it('bounds how often one attendee posts, and lets the bucket refill', () => {
    const board = new RoomBoard(exercises);
    for (let i = 0; i < roomBounds.burst; i++) expect(board.apply(post('Ann'), 0).ok).toBe(true);
    expect(board.apply(post('Ann'), 0)).toMatchObject({ ok: false, status: 429 });
    // Another attendee is not held back by Ann.
    expect(board.apply(post('Bo'), 0).ok).toBe(true);
    expect(board.apply(post('Ann'), 1000 / roomBounds.perSecond).ok).toBe(true);
  });
});
