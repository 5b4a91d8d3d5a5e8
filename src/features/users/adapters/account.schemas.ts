import { fieldsBody, modelBody, type ObjectSchema } from '../../../http/request-validation';

export interface CredentialsBody {
  username: string;
  password: string;
}

export interface ChangePasswordBody {
  current_password: string;
  new_password: string;
}

/** The original's bodies are dataclasses named after their commands; their names show in 422s. */
const credentials = (title: string): ObjectSchema => ({
  type: 'object',
  title,
  properties: { username: { type: 'string', title: 'Username' }, password: { type: 'string', title: 'Password' } },
  required: ['username', 'password'],
});

export const signUpBody = modelBody<CredentialsBody>(credentials('SignUpCommand'), { dataclass: 'SignUpCommand' });

export const logInBody = modelBody<CredentialsBody>(credentials('LogInCommand'), { dataclass: 'LogInCommand' });

/** Two `Body()` parameters in the original, hence an object with both fields. */
export const changePasswordBody = fieldsBody<ChangePasswordBody>({
  type: 'object',
  title: 'Body_change_password',
  properties: {
    current_password: { type: 'string', title: 'Current Password' },
    new_password: { type: 'string', title: 'New Password' },
  },
  required: ['current_password', 'new_password'],
});

export const idResponseSchema = {
  type: 'object',
  title: 'IdResponse',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
};
