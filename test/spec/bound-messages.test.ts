/**
 * Every numeric bound the spec schema declares (`.min`, `.max`, `.positive`, `.gt`, `.int()`)
 * reports a value outside it in the house form: the key path, the value, and the range to use,
 * never zod's own text (`Too small: expected number to be >0`, `is not a int`). The bounds are
 * read from the schema itself, so a field added later with a bound is covered without a new case.
 */
import type { z } from 'zod';
import { SpecError, parseSpec, platformSpecSchema, showValue } from '../../spec';
import { specInput } from '../util/specs';

type AnySchema = z.core.$ZodType;

interface NumberField {
  readonly path: readonly (string | number)[];
  readonly int: boolean;
  readonly bounds: ReadonlyArray<{
    readonly kind: 'min' | 'max';
    readonly value: number;
    readonly inclusive: boolean;
  }>;
}

function unwrap(node: AnySchema): AnySchema {
  let inner = node;
  for (;;) {
    const def = inner._zod.def as { innerType?: AnySchema };
    if (def.innerType === undefined) return inner;
    inner = def.innerType;
  }
}

/** The number fields under `node`, through objects and (at index 0) lists. */
function numberFields(node: AnySchema, path: (string | number)[] = []): NumberField[] {
  const def = unwrap(node)._zod.def as {
    type: string;
    shape?: Record<string, AnySchema>;
    element?: AnySchema;
    checks?: Array<{
      _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } };
    }>;
  };
  if (def.type === 'object' && def.shape !== undefined) {
    return Object.entries(def.shape).flatMap(([key, child]) => numberFields(child, [...path, key]));
  }
  if (def.type === 'array' && def.element !== undefined)
    return numberFields(def.element, [...path, 0]);
  if (def.type !== 'number') return [];
  const checks = (def.checks ?? []).map(check => check._zod.def);
  return [
    {
      path,
      int: checks.some(check => check.check === 'number_format' && check.format === 'safeint'),
      bounds: checks.flatMap(check =>
        check.check === 'greater_than' || check.check === 'less_than'
          ? [
              {
                kind: check.check === 'greater_than' ? ('min' as const) : ('max' as const),
                value: check.value ?? 0,
                inclusive: check.inclusive ?? false,
              },
            ]
          : [],
      ),
    },
  ];
}

/** A valid spec with every list the walk indexes holding one entry and the forecast floor on. */
function baseInput(): Record<string, unknown> {
  const input = specInput(3, 4) as unknown as Record<string, unknown>;
  return {
    ...input,
    autoscaling: {
      forecast: { enabled: true },
      scheduledMinimums: [{ startUtc: '08:00', endUtc: '18:00', nodesPerZone: 2 }],
    },
  };
}

function setAt(
  root: Record<string, unknown>,
  path: readonly (string | number)[],
  value: unknown,
): void {
  let holder: Record<string | number, unknown> = root;
  path.slice(0, -1).forEach((segment, index) => {
    const next = path[index + 1];
    if (holder[segment] === undefined || holder[segment] === null) {
      holder[segment] = typeof next === 'number' ? [{}] : {};
    }
    holder = holder[segment] as Record<string | number, unknown>;
  });
  holder[path[path.length - 1] as string | number] = value;
}

function pathText(path: readonly (string | number)[]): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/** The problems full validation reports at `path` for `input`. */
function messagesAt(input: unknown, path: string): string[] {
  try {
    parseSpec(input);
  } catch (error) {
    if (error instanceof SpecError)
      return error.issues.filter(i => i.path === path).map(i => i.message);
    throw error;
  }
  return [];
}

const fields = numberFields(platformSpecSchema);

describe('spec bound messages', () => {
  it('finds the bounded number fields of the schema (the walk reaches the forecast and topics)', () => {
    const paths = fields
      .filter(field => field.bounds.length > 0)
      .map(field => pathText(field.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        'autoscaling.forecast.leadTimeSeconds',
        'autoscaling.forecast.historyDays',
        'autoscaling.forecast.quantile',
        'autoscaling.forecast.maxRaiseShare',
        'nodes.kafka.capacity.baselineGbps',
      ]),
    );
  });

  const boundCases = fields.flatMap(field =>
    field.bounds.map(bound => {
      const step = field.int ? 1 : 0.5;
      const bad = bound.inclusive
        ? bound.value + (bound.kind === 'min' ? -step : step)
        : bound.value;
      return { field: pathText(field.path), path: field.path, bound, bad };
    }),
  );

  it.each(boundCases)(
    '$field = $bad names the value and the range to use',
    ({ field, path, bound, bad }) => {
      const input = baseInput();
      setAt(input, path, bad);
      const messages = messagesAt(input, field);
      expect(messages).toHaveLength(1);
      const message = messages[0] ?? '';
      expect(
        message.startsWith(
          `${showValue(bad)} is too ${bound.kind === 'min' ? 'small' : 'big'}; use `,
        ),
      ).toBe(true);
      expect(message).toContain(String(bound.value));
      expect(message).not.toMatch(/Too (small|big)|expected/);
    },
  );

  const intCases = fields
    .filter(field => field.int)
    .map(field => ({ field: pathText(field.path), path: field.path }));

  it.each(intCases)('$field = 2.5 asks for a whole number', ({ field, path }) => {
    const input = baseInput();
    setAt(input, path, 2.5);
    // A required field also gets the note that the cross-field checks wait for it.
    expect(messagesAt(input, field)).toContain('2.5 is not a whole number; write a whole number');
  });

  it('a mapping given as a scalar is named as a mapping', () => {
    const input = baseInput();
    setAt(input, ['autoscaling', 'forecast'], true);
    expect(messagesAt(input, 'autoscaling.forecast')).toEqual([
      'true is not a mapping; write a mapping',
    ]);
  });

  it.each([
    [
      0.5,
      'autoscaling.scaleInMargin',
      '0.5 is out of range; use at least 0 and below 0.5, usually 0.07 (the default)',
    ],
    [
      -10,
      'autoscaling.scaleInStabilizationSeconds',
      '-10 is negative; use 0 or more, usually 600 (the default)',
    ],
  ])(
    '%s at %s: the range it accepts and the default, as the schema gives them',
    (value, field, message) => {
      const input = baseInput();
      setAt(input, field.split('.'), value);
      expect(messagesAt(input, field)).toEqual([message]);
    },
  );
});
