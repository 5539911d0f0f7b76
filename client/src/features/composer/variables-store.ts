// The learner's variables, kept in this browser (see variables.ts for how they are used and captured).
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { isVariableName, VARIABLE_LIMITS } from '../../lib/variables';

export interface VariablesStore {
  values: Record<string, string>;
  /** Sets a value (names that are not variable names, or past the limits, are refused: false). */
  set: (name: string, value: string) => boolean;
  rename: (from: string, to: string) => boolean;
  remove: (name: string) => void;
  /** Values captured from a response, each replacing its namesake. */
  capture: (values: Record<string, string>) => void;
}

export const useVariablesStore = create<VariablesStore>()(
  persist(
    (set, get) => ({
      values: {},
      set: (name, value) => {
        const values = get().values;
        if (!isVariableName(name) || value.length > VARIABLE_LIMITS.valueLength) return false;
        if (!Object.hasOwn(values, name) && Object.keys(values).length >= VARIABLE_LIMITS.count) return false;
        set({ values: { ...values, [name]: value } });
        return true;
      },
      rename: (from, to) => {
        const values = get().values;
        if (from === to) return true;
        if (!isVariableName(to) || Object.hasOwn(values, to) || !Object.hasOwn(values, from)) return false;
        // Keep the order of the list: the renamed entry stays where it was.
        set({ values: Object.fromEntries(Object.entries(values).map(([name, value]) => [name === from ? to : name, value])) });
        return true;
      },
      remove: (name) => {
        const { [name]: _removed, ...rest } = get().values;
        set({ values: rest });
      },
      capture: (captured) => {
        const entries = Object.entries(captured).filter(([name, value]) => isVariableName(name) && value.length <= VARIABLE_LIMITS.valueLength);
        if (entries.length === 0) return;
        const values = { ...get().values };
        for (const [name, value] of entries) {
          if (!Object.hasOwn(values, name) && Object.keys(values).length >= VARIABLE_LIMITS.count) continue;
          values[name] = value;
        }
        set({ values });
      },
    }),
    { name: 'http-sandbox:variables', version: 1 },
  ),
);
