import { registerDecorator, ValidationOptions } from 'class-validator';

// Counted in code points, as PostgreSQL counts varchar characters; no control characters,
// because PostgreSQL refuses NUL in text (a client must never cause a 500).
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/** A string of 1 to `maxLength` characters (code points) with no control characters. */
export function IsPetText(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPetText',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be a string of 1 to ${maxLength} characters, without control characters`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !NO_CONTROL_CHARACTERS.test(value)) {
            return false;
          }
          const length = [...value].length;
          return length >= 1 && length <= maxLength;
        },
      },
    });
  };
}

/** A whole number from `min` to `max`, with one message for every way to miss it. */
export function IsIntegerBetween(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isIntegerBetween',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an integer from ${min} to ${max}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
      },
    });
  };
}
