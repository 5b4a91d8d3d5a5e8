import { fieldsBody, modelBody, type ObjectSchema } from '../../../http/request-validation';

export interface CredentialsBody {
  username: string;
  password: string;
}

export interface ChangePasswordBody {
  current_password: string;
  new_password: string;
}

/** Descriptions only: the handlers check these rules and answer 400 with the code, never a 422. */
const USERNAME_RULES =
  '5–20 characters (code points): letters `A-Z` `a-z`, digits `0-9`, dots `.`, hyphens `-` and underscores `_`; ' +
  'it starts and ends with a letter or a digit, and never has two of `.` `-` `_` in a row. ' +
  'Checked in that order, the first broken rule answers 400 with its code: `user.username_length`, `user.username_start`, ' +
  '`user.username_characters`, `user.username_consecutive_specials`, `user.username_end`.';

const PASSWORD_RULE = 'At least 6 characters (code points), no maximum; a shorter one answers 400 `user.password_too_short`.';

/** The original's bodies are dataclasses named after their commands; their names show in 422s. */
const credentials = (title: string): ObjectSchema => ({
  type: 'object',
  title,
  properties: {
    username: { type: 'string', title: 'Username', description: USERNAME_RULES },
    password: { type: 'string', title: 'Password', description: PASSWORD_RULE },
  },
  required: ['username', 'password'],
});

export const signUpBody = modelBody<CredentialsBody>(credentials('SignUpCommand'), { dataclass: 'SignUpCommand' });

export const logInBody = modelBody<CredentialsBody>(credentials('LogInCommand'), { dataclass: 'LogInCommand' });

/** Two `Body()` parameters in the original, hence an object with both fields. */
export const changePasswordBody = fieldsBody<ChangePasswordBody>({
  type: 'object',
  title: 'Body_change_password',
  properties: {
    current_password: {
      type: 'string',
      title: 'Current Password',
      description: `The password the session's user has now. ${PASSWORD_RULE} A wrong one answers 403 \`auth.invalid_password\`.`,
    },
    new_password: {
      type: 'string',
      title: 'New Password',
      description: `${PASSWORD_RULE} It must differ from the current one (else 400 \`auth.password_unchanged\`).`,
    },
  },
  required: ['current_password', 'new_password'],
});

export const idResponseSchema = {
  type: 'object',
  title: 'IdResponse',
  properties: { id: { type: 'string', format: 'uuid', description: 'The new user\'s id.' } },
  required: ['id'],
};
