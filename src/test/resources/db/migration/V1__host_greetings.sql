-- The Spring Boot host's own schema (embed/spring tests): Spring Boot's Flyway must find this and nothing of the gateway.
CREATE TABLE host_greetings (id INT PRIMARY KEY, text VARCHAR(100) NOT NULL);
INSERT INTO host_greetings (id, text) VALUES (1, 'hello');
