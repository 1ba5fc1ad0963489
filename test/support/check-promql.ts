// Checks a PromQL expression against the metric names and label names dvc-sentinel really exports,
// for the dashboards and the Prometheus rules: a misspelt metric or label returns no data in
// Grafana and never fires in Prometheus, silently. Parses the PromQL subset those files use (every
// operator, aggregation and function of Prometheus 2.42, ranges, subqueries, offset) and tracks the
// label names each subexpression can carry. Label sets are "may carry" sets, so the checks find
// names that cannot exist, not values that happen to be missing.

/** Sample name (dvc_probe_duration_seconds_bucket, not the histogram family) → its label names. */
export type MetricCatalog = ReadonlyMap<string, ReadonlySet<string>>;

export type PromqlValue = { readonly type: 'scalar' } | { readonly type: 'string' } | { readonly type: 'vector'; readonly labels: ReadonlySet<string> };

export interface PromqlCheck {
  /** Metric names in selectors, in order of appearance. */
  readonly metrics: readonly string[];
  /** What the whole expression returns; a vector's labels are those its series may carry. */
  readonly value: PromqlValue;
  /** Empty when the expression is sound; otherwise one sentence per problem. */
  readonly problems: readonly string[];
}

const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
]);
/** Aggregations whose first argument is a parameter, not the vector. */
const PARAMETER_AGGREGATIONS = new Set(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
/** Aggregations that keep the input's labels when no by/without is given. */
const LABEL_KEEPING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'avg_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'cos',
  'cosh',
  'count_over_time',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'deg',
  'delta',
  'deriv',
  'exp',
  'floor',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantile',
  'histogram_sum',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'last_over_time',
  'ln',
  'log10',
  'log2',
  'max_over_time',
  'min_over_time',
  'minute',
  'month',
  'pi',
  'predict_linear',
  'present_over_time',
  'quantile_over_time',
  'rad',
  'rate',
  'resets',
  'round',
  'scalar',
  'sgn',
  'sin',
  'sinh',
  'sort',
  'sort_desc',
  'sqrt',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
  'tan',
  'tanh',
  'time',
  'timestamp',
  'vector',
  'year',
]);
const SCALAR_FUNCTIONS = new Set(['time', 'pi', 'scalar']);
/** Functions whose vector argument is not the first one. */
const VECTOR_ARGUMENT_INDEX: Readonly<Record<string, number>> = { histogram_quantile: 1, quantile_over_time: 1, histogram_fraction: 2 };

/** Binding power of binary operators; ^ is the only right-associative one. */
const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
const SET_OPERATORS = new Set(['and', 'or', 'unless']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

type TokenKind = 'ident' | 'number' | 'string' | 'op' | '(' | ')' | '{' | '}' | ',' | 'range';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const patterns: [TokenKind, RegExp][] = [
    // A Grafana variable outside a string ($__range_s, ${threshold}) stands for a number.
    ['number', /^\$\{?\w+\}?/],
    ['number', /^(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?)/],
    ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
    ['op', /^(?:==|!=|<=|>=|=~|!~|[=<>+\-*/%^@])/],
  ];
  while (at < expr.length) {
    const char = expr[at]!;
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    if (char === '#') {
      const end = expr.indexOf('\n', at);
      at = end === -1 ? expr.length : end;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      let end = at + 1;
      while (end < expr.length && expr[end] !== char) end += char !== '`' && expr[end] === '\\' ? 2 : 1;
      if (end >= expr.length) throw new Error(`unterminated string at ${at}`);
      tokens.push({ kind: 'string', text: expr.slice(at + 1, end), at });
      at = end + 1;
      continue;
    }
    if (char === '[') {
      const end = expr.indexOf(']', at);
      if (end === -1) throw new Error(`unterminated [ at ${at}`);
      tokens.push({ kind: 'range', text: expr.slice(at + 1, end), at });
      at = end + 1;
      continue;
    }
    if ('(){},'.includes(char)) {
      tokens.push({ kind: char as TokenKind, text: char, at });
      at += 1;
      continue;
    }
    const rest = expr.slice(at);
    const match = patterns.map(([kind, pattern]) => ({ kind, found: pattern.exec(rest) })).find(({ found }) => found);
    if (!match?.found) throw new Error(`unexpected "${char}" at ${at}`);
    tokens.push({ kind: match.kind, text: match.found[0], at });
    at += match.found[0].length;
  }
  return tokens;
}

const vector = (labels: Iterable<string>): PromqlValue => ({ type: 'vector', labels: new Set(labels) });
const SCALAR: PromqlValue = { type: 'scalar' };
const list = (labels: Iterable<string>) => [...labels].join(', ') || '(none)';

/** Parses expr and checks every metric and label name in it against catalog. Never throws. */
export function checkPromql(expr: string, catalog: MetricCatalog): PromqlCheck {
  const metrics: string[] = [];
  const problems: string[] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(expr);
  } catch (error) {
    return { metrics, value: SCALAR, problems: [`cannot read: ${(error as Error).message}`] };
  }
  let position = 0;

  const peek = (offset = 0): Token | undefined => tokens[position + offset];
  const fail = (message: string): never => {
    throw new Error(`${message} at ${peek()?.at ?? expr.length}`);
  };
  const take = (kind?: TokenKind, text?: string): Token => {
    const token = peek();
    if (!token || (kind && token.kind !== kind) || (text && token.text !== text)) fail(`expected ${text ?? kind ?? 'more'}, found ${token?.text ?? 'the end'}`);
    position += 1;
    return token!;
  };
  const isNext = (kind: TokenKind, text?: string): boolean => peek()?.kind === kind && (text === undefined || peek()?.text === text);

  const labelsOf = (value: PromqlValue, what: string): ReadonlySet<string> => {
    if (value.type !== 'vector') fail(`${what} needs a vector, got a ${value.type}`);
    return (value as { labels: ReadonlySet<string> }).labels;
  };
  const requireLabels = (wanted: readonly string[], available: ReadonlySet<string>, where: string): void => {
    for (const label of wanted) {
      if (!available.has(label)) problems.push(`label "${label}" in ${where} is not among the labels there: ${list(available)}`);
    }
  };

  const parseLabelList = (): string[] => {
    take('(');
    const labels: string[] = [];
    while (!isNext(')')) {
      labels.push(take('ident').text);
      if (!isNext(')')) take(',');
    }
    take(')');
    return labels;
  };

  const parseSelector = (name: string | undefined): PromqlValue => {
    const matchers: string[] = [];
    if (isNext('{')) {
      take('{');
      while (!isNext('}')) {
        const label = take('ident').text;
        const operator = take('op').text;
        if (!['=', '!=', '=~', '!~'].includes(operator)) fail(`"${operator}" is not a label matcher`);
        const value = take('string').text;
        if (label === '__name__') {
          if (operator !== '=') problems.push(`the selector {__name__${operator}"${value}"} hides which metrics it reads; name them`);
          name ??= value;
        } else {
          matchers.push(label);
        }
        if (!isNext('}')) take(',');
      }
      take('}');
    }
    if (name === undefined) return fail('a selector without a metric name');
    metrics.push(name);
    const labels = catalog.get(name);
    if (labels === undefined) {
      problems.push(`metric "${name}" is not exported`);
      return vector(matchers);
    }
    requireLabels(matchers, labels, `the selector of ${name}`);
    return vector(labels);
  };

  /** Ranges, subqueries, offset and @ after an operand: none of them changes the labels. */
  const parsePostfix = (value: PromqlValue): PromqlValue => {
    for (;;) {
      if (isNext('range')) {
        take('range');
      } else if (isNext('ident', 'offset')) {
        take('ident');
        if (isNext('op', '-')) take('op');
        take('number');
      } else if (isNext('op', '@')) {
        take('op');
        if (isNext('ident')) {
          take('ident');
          take('(');
          take(')');
        } else {
          take('number');
        }
      } else {
        return value;
      }
    }
  };

  const parseArguments = (): PromqlValue[] => {
    take('(');
    const values: PromqlValue[] = [];
    while (!isNext(')')) {
      values.push(parseExpression(0));
      if (!isNext(')')) take(',');
    }
    take(')');
    return values;
  };

  const parseAggregation = (name: string): PromqlValue => {
    const parseGrouping = (): { kind: string; labels: string[] } | undefined =>
      isNext('ident', 'by') || isNext('ident', 'without') ? { kind: take('ident').text, labels: parseLabelList() } : undefined;
    const groupingBefore = parseGrouping();
    const argumentsStart = position;
    const args = parseArguments();
    const grouping = groupingBefore ?? parseGrouping();
    const vectorIndex = PARAMETER_AGGREGATIONS.has(name) ? 1 : 0;
    if (args.length !== vectorIndex + 1) fail(`${name} takes ${vectorIndex + 1} argument(s)`);
    const input = labelsOf(args[vectorIndex]!, name);
    // count_values("label", v) adds the label it names; the token after "(" is that string.
    const parameter = tokens[argumentsStart + 1];
    const extra = name === 'count_values' && parameter?.kind === 'string' ? [parameter.text] : [];
    if (grouping?.kind === 'by') {
      requireLabels(grouping.labels, input, `${name} by (${grouping.labels.join(', ')})`);
      return vector([...grouping.labels, ...extra]);
    }
    if (grouping?.kind === 'without') return vector([...[...input].filter((label) => !grouping.labels.includes(label)), ...extra]);
    return vector(LABEL_KEEPING_AGGREGATIONS.has(name) ? input : extra);
  };

  const parseFunction = (name: string): PromqlValue => {
    if (!FUNCTIONS.has(name)) problems.push(`"${name}" is not a PromQL function`);
    const argumentsStart = position;
    const args = parseArguments();
    if (SCALAR_FUNCTIONS.has(name)) return SCALAR;
    if (name === 'vector') return vector([]);
    const vectorIndex = VECTOR_ARGUMENT_INDEX[name] ?? 0;
    const input = args[vectorIndex];
    if (input === undefined) return fail(`${name} needs a vector argument`);
    const labels = labelsOf(input, name);
    if (name === 'histogram_quantile' || name === 'histogram_fraction') {
      requireLabels(['le'], labels, name);
      return vector([...labels].filter((label) => label !== 'le'));
    }
    if (name === 'label_replace' || name === 'label_join') {
      const strings = tokens
        .slice(argumentsStart, position)
        .filter((token) => token.kind === 'string')
        .map((token) => token.text);
      const [destination, ...rest] = strings;
      const sources = name === 'label_replace' ? rest.slice(1, 2) : rest.slice(1);
      requireLabels(
        sources.filter((source) => source !== ''),
        labels,
        name,
      );
      return vector([...labels, ...(destination ? [destination] : [])]);
    }
    return vector(labels);
  };

  const parsePrimary = (): PromqlValue => {
    const token = peek();
    if (!token) return fail('an operand');
    if (token.kind === 'number') {
      take();
      return SCALAR;
    }
    if (token.kind === 'string') {
      take();
      return { type: 'string' };
    }
    if (token.kind === '(') {
      take('(');
      const inner = parseExpression(0);
      take(')');
      return parsePostfix(inner);
    }
    if (token.kind === '{') return parsePostfix(parseSelector(undefined));
    if (token.kind === 'op' && (token.text === '-' || token.text === '+')) {
      take();
      // Unary minus binds looser than ^ only: -a^b is -(a^b).
      return parseExpression(BINARY_PRECEDENCE['^']!);
    }
    if (token.kind === 'ident') {
      const name = take('ident').text;
      if (['inf', 'nan'].includes(name.toLowerCase())) return SCALAR;
      if (AGGREGATIONS.has(name) && (isNext('(') || isNext('ident', 'by') || isNext('ident', 'without'))) return parseAggregation(name);
      if (isNext('(')) return parsePostfix(parseFunction(name));
      return parsePostfix(parseSelector(name));
    }
    return fail(`unexpected "${token.text}"`);
  };

  const binaryOperatorAhead = (): string | undefined => {
    const token = peek();
    if (!token) return undefined;
    if (token.kind === 'op' && BINARY_PRECEDENCE[token.text] !== undefined) return token.text;
    if (token.kind === 'ident' && ['and', 'or', 'unless', 'atan2'].includes(token.text)) return token.text;
    return undefined;
  };

  const combine = (
    operator: string,
    left: PromqlValue,
    right: PromqlValue,
    matching: { on?: string[]; ignoring?: string[]; group?: { side: 'left' | 'right'; labels: string[] } },
  ): PromqlValue => {
    const where = `"${operator}"`;
    if (left.type === 'string' || right.type === 'string') return fail(`${where} cannot take a string`);
    if (left.type === 'scalar' && right.type === 'scalar') {
      if (SET_OPERATORS.has(operator)) fail(`${where} needs vectors`);
      return SCALAR;
    }
    if (left.type === 'scalar') return right;
    if (right.type === 'scalar') return left;
    const leftLabels = labelsOf(left, where);
    const rightLabels = labelsOf(right, where);
    if (matching.on) {
      requireLabels(matching.on, leftLabels, `the left side of ${where} on (${matching.on.join(', ')})`);
      requireLabels(matching.on, rightLabels, `the right side of ${where} on (${matching.on.join(', ')})`);
    }
    if (matching.ignoring) requireLabels(matching.ignoring, new Set([...leftLabels, ...rightLabels]), `${where} ignoring (${matching.ignoring.join(', ')})`);
    if (SET_OPERATORS.has(operator)) return operator === 'or' ? vector([...leftLabels, ...rightLabels]) : left;
    if (matching.group) {
      const one = matching.group.side === 'left' ? rightLabels : leftLabels;
      const many = matching.group.side === 'left' ? leftLabels : rightLabels;
      requireLabels(matching.group.labels, one, `group_${matching.group.side} (${matching.group.labels.join(', ')})`);
      return vector([...many, ...matching.group.labels]);
    }
    if (matching.on) return vector(matching.on);
    // One-to-one matching: series pair up only when every other label is equal on both sides.
    const ignored = new Set(matching.ignoring ?? []);
    const leftKept = [...leftLabels].filter((label) => !ignored.has(label)).sort();
    const rightKept = [...rightLabels].filter((label) => !ignored.has(label)).sort();
    if (leftKept.join(',') !== rightKept.join(',')) {
      problems.push(
        `${where} matches one-to-one but its sides carry different labels (${list(leftKept)} vs ${list(rightKept)}), so no series pair up; use on(…) or aggregate first`,
      );
    }
    return vector(leftKept);
  };

  function parseExpression(minimumPrecedence: number): PromqlValue {
    let left = parsePrimary();
    for (;;) {
      const operator = binaryOperatorAhead();
      if (operator === undefined) return left;
      const precedence = BINARY_PRECEDENCE[operator]!;
      if (precedence < minimumPrecedence) return left;
      take();
      if (isNext('ident', 'bool')) {
        if (!COMPARISONS.has(operator)) fail(`bool after "${operator}"`);
        take();
      }
      const matching: Parameters<typeof combine>[3] = {};
      if (isNext('ident', 'on')) {
        take();
        matching.on = parseLabelList();
      } else if (isNext('ident', 'ignoring')) {
        take();
        matching.ignoring = parseLabelList();
      }
      if (isNext('ident', 'group_left') || isNext('ident', 'group_right')) {
        const side = take().text === 'group_left' ? 'left' : 'right';
        matching.group = { side, labels: isNext('(') ? parseLabelList() : [] };
      }
      const right = parseExpression(operator === '^' ? precedence : precedence + 1);
      left = combine(operator, left, right, matching);
    }
  }

  try {
    const value = parseExpression(0);
    if (position < tokens.length) fail(`unexpected "${peek()!.text}"`);
    return { metrics, value, problems };
  } catch (error) {
    return { metrics, value: SCALAR, problems: [...problems, `cannot parse: ${(error as Error).message}`] };
  }
}
