import { useId, useState } from 'react';
import { isVariableName, VARIABLE_LIMITS } from '../../lib/variables';
import { useVariablesStore } from './variables-store';

/** The learner's {{variables}}: what each holds, editable, and a row to add one. Kept in this browser. */
export function VariablesPanel() {
  const values = useVariablesStore((s) => s.values);
  const entries = Object.entries(values);
  const setValue = useVariablesStore((s) => s.set);
  const remove = useVariablesStore((s) => s.remove);
  const [name, setName] = useState('');
  const [value, setValue2] = useState('');
  const [problem, setProblem] = useState<string>();
  const ids = { name: useId(), value: useId(), help: useId() };

  const add = () => {
    const trimmed = name.trim();
    if (!isVariableName(trimmed)) {
      setProblem('A name starts with a letter or _, then letters, digits, _ . or - (up to 64), such as bookId.');
      return;
    }
    if (!setValue(trimmed, value)) {
      setProblem(`There is room for ${VARIABLE_LIMITS.count} variables of up to ${VARIABLE_LIMITS.valueLength} characters; remove one first.`);
      return;
    }
    setName('');
    setValue2('');
    setProblem(undefined);
  };

  return (
    <details className="variables">
      <summary>Variables ({entries.length})</summary>
      <p id={ids.help} className="muted">
        Write <code>{'{{name}}'}</code> in the URL, a header or the body and it is replaced before sending. A 201 to POST /api/tokens keeps its token in{' '}
        <code>{'{{token}}'}</code>; a 201 keeps its Location in <code>{'{{location}}'}</code> (and the last part in <code>{'{{id}}'}</code>); every ETag goes in{' '}
        <code>{'{{etag}}'}</code>.
      </p>
      {entries.length > 0 && (
        <ul className="variable-list" aria-label="Variables">
          {entries.map(([key, current]) => (
            <li key={key} className="variable-row">
              <code className="variable-name">{`{{${key}}}`}</code>
              <input
                aria-label={`Value of ${key}`}
                value={current}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => setValue(key, e.target.value)}
              />
              <button type="button" className="icon-button" aria-label={`Remove ${key}`} onClick={() => remove(key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="variable-add">
        <label htmlFor={ids.name} className="visually-hidden">
          New variable name
        </label>
        <input id={ids.name} placeholder="name" value={name} spellCheck={false} autoComplete="off" aria-describedby={ids.help} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={ids.value} className="visually-hidden">
          New variable value
        </label>
        <input
          id={ids.value}
          placeholder="value"
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setValue2(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) add();
          }}
        />
        <button type="button" className="secondary" onClick={add}>
          Add variable
        </button>
      </div>
      {problem && (
        <p role="alert" className="warning">
          {problem}
        </p>
      )}
    </details>
  );
}
